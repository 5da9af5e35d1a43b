/**
 * A small JSON Schema (2020-12) checker for the keywords schemas/workshop-export.v1.json uses, so
 * that the import validates against the very file the repository documents (one description of
 * the format, not a second one in code that could drift from it). A keyword it does not know is
 * a programming error and throws: the schema can never rely on a rule nothing checks.
 */

export type JsonSchema = { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', '$defs', '$comment', 'title', 'description']);
const KNOWN = new Set([
  '$ref',
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'pattern',
  'anyOf',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first place `value` breaks `schema`, as "path: reason", or null when it holds. */
export function schemaProblem(root: JsonSchema, value: unknown): string | null {
  const check = (schema: JsonSchema, v: unknown, path: string): string | null => {
    for (const keyword of Object.keys(schema)) {
      if (!KNOWN.has(keyword) && !ANNOTATIONS.has(keyword)) {
        throw new Error(`JSON Schema keyword ${keyword} is not supported`);
      }
    }
    if (typeof schema.$ref === 'string') {
      const name = /^#\/\$defs\/([\w-]+)$/.exec(schema.$ref)?.[1];
      const target = name ? (root.$defs as Record<string, JsonSchema>)?.[name] : undefined;
      if (!target) throw new Error(`JSON Schema reference ${schema.$ref} is not found`);
      const problem = check(target, v, path);
      if (problem) return problem;
    }
    const type = typeOf(v);
    if (schema.type !== undefined) {
      const allowed = ([] as unknown[]).concat(schema.type);
      const ok = allowed.includes(type) || (type === 'integer' && allowed.includes('number'));
      if (!ok) return `${path}: expected ${allowed.join(' or ')}, found ${type}`;
    }
    if ('const' in schema && !sameJson(schema.const, v)) {
      return `${path}: must be ${JSON.stringify(schema.const)}`;
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => sameJson(e, v))) {
      return `${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`;
    }
    if (Array.isArray(schema.anyOf)) {
      const problems = (schema.anyOf as JsonSchema[]).map((s) => check(s, v, path));
      if (problems.every((p) => p !== null)) return problems[0]!;
    }
    if (type === 'string') {
      const length = [...(v as string)].length;
      if (typeof schema.minLength === 'number' && length < schema.minLength) {
        return `${path}: shorter than ${schema.minLength} characters`;
      }
      if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
        return `${path}: longer than ${schema.maxLength} characters`;
      }
      if (
        typeof schema.pattern === 'string' &&
        !new RegExp(schema.pattern, 'u').test(v as string)
      ) {
        return `${path}: does not match ${schema.pattern}`;
      }
    }
    if (type === 'integer' || type === 'number') {
      if (typeof schema.minimum === 'number' && (v as number) < schema.minimum) {
        return `${path}: below ${schema.minimum}`;
      }
      if (typeof schema.maximum === 'number' && (v as number) > schema.maximum) {
        return `${path}: above ${schema.maximum}`;
      }
    }
    if (type === 'array') {
      const list = v as unknown[];
      if (typeof schema.minItems === 'number' && list.length < schema.minItems) {
        return `${path}: fewer than ${schema.minItems} items`;
      }
      if (typeof schema.maxItems === 'number' && list.length > schema.maxItems) {
        return `${path}: more than ${schema.maxItems} items`;
      }
      if (schema.items && typeof schema.items === 'object') {
        for (let i = 0; i < list.length; i++) {
          const problem = check(schema.items as JsonSchema, list[i], `${path}[${i}]`);
          if (problem) return problem;
        }
      }
    }
    if (type === 'object') {
      const record = v as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      for (const key of (schema.required ?? []) as string[]) {
        if (!Object.hasOwn(record, key)) return `${path}: ${key} is missing`;
      }
      for (const [key, inner] of Object.entries(record)) {
        const where = `${path}.${key}`;
        if (Object.hasOwn(properties, key)) {
          const problem = check(properties[key]!, inner, where);
          if (problem) return problem;
        } else if (schema.additionalProperties === false) {
          return `${where}: is not part of the format`;
        } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
          const problem = check(schema.additionalProperties as JsonSchema, inner, where);
          if (problem) return problem;
        }
      }
    }
    return null;
  };
  return check(root, value, '$');
}

/**
 * `value` reduced to what `schema` describes: properties the schema does not name are dropped
 * (everywhere, following references and `additionalProperties` schemas). The export goes
 * through it, so a field added to the model later (a new secret, say) stays out until the
 * schema names it.
 */
export function pickBySchema(root: JsonSchema, value: unknown): unknown {
  const pick = (schema: JsonSchema, v: unknown): unknown => {
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/$defs/', '');
      return pick((root.$defs as Record<string, JsonSchema>)[name]!, v);
    }
    if (Array.isArray(schema.anyOf)) {
      // The alternatives are told apart by their constant properties (the author's kind).
      const alternatives = schema.anyOf as JsonSchema[];
      const matches = (s: JsonSchema) =>
        Object.entries((s.properties ?? {}) as Record<string, JsonSchema>).every(
          ([key, inner]) =>
            !('const' in inner) ||
            (v !== null &&
              typeof v === 'object' &&
              sameJson((v as Record<string, unknown>)[key], inner.const)),
        );
      const chosen = alternatives.find(matches);
      return chosen ? pick(chosen, v) : v;
    }
    if (Array.isArray(v)) {
      return schema.items ? v.map((x) => pick(schema.items as JsonSchema, x)) : v;
    }
    if (v !== null && typeof v === 'object') {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(v)) {
        if (inner === undefined) continue;
        if (Object.hasOwn(properties, key)) out[key] = pick(properties[key]!, inner);
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
          out[key] = pick(schema.additionalProperties as JsonSchema, inner);
        } else if (schema.additionalProperties === undefined && !schema.properties) {
          out[key] = inner;
        }
      }
      return out;
    }
    return v;
  };
  return pick(root, value);
}
