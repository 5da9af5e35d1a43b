import { fail, ok, type Result } from '../errors';
import { inSession } from './sessions';
import {
  LIMITS,
  SOURCE_KINDS,
  type Actor,
  type Candidate,
  type CandidateSource,
  type Workshop,
} from '../model';
import { cleanLine, cleanText } from '../text';
import type { Handler } from './decision';
import { facilitatorWorkshop } from './guards';

/** The candidates of a workshop in their order (older workshops have none). */
export function candidatesInOrder(state: Workshop): Candidate[] {
  return (state.candidateOrder ?? []).map((id) => state.candidates![id]!);
}

export function findCandidate(state: Workshop, candidateId: string): Result<Candidate> {
  const candidates = state.candidates ?? {};
  const candidate = Object.hasOwn(candidates, candidateId) ? candidates[candidateId] : undefined;
  return candidate ? ok(candidate) : fail('UNKNOWN_CANDIDATE');
}

/** The common start of a candidate command: the workshop, whoever runs it, the candidate. */
function facilitatorCandidate(
  state: Workshop | null,
  actor: Actor,
  candidateId: string,
): Result<{ ws: Workshop; candidate: Candidate }> {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const candidate = findCandidate(ws.value, candidateId);
  if (!candidate.ok) return candidate;
  return ok({ ws: ws.value, candidate: candidate.value });
}

/**
 * A source as it is now, with its title copied: a theme of any board, a note (not moderated: its
 * text would reach screens the moderation hides it from) or a vision statement.
 */
function resolveSource(state: Workshop, kind: string, id: string): CandidateSource | null {
  const has = <T>(record: Record<string, T> | undefined): T | undefined =>
    record && Object.hasOwn(record, id) ? record[id] : undefined;
  if (kind === 'theme') {
    const theme = has(state.themes);
    return theme ? { kind, id, title: theme.title } : null;
  }
  if (kind === 'note') {
    const note = has(state.notes);
    return note && !note.moderated ? { kind, id, title: note.text } : null;
  }
  if (kind === 'statement') {
    const statement = has(state.statements);
    return statement ? { kind, id, title: statement.title } : null;
  }
  return null;
}

function resolveSources(
  state: Workshop,
  sources: readonly { kind: string; id: string }[],
): Result<CandidateSource[]> {
  if (sources.length > LIMITS.sourcesPerCandidate) {
    return fail('BAD_REQUEST', `A candidate has ${LIMITS.sourcesPerCandidate} sources at most.`);
  }
  const seen = new Set<string>();
  const resolved: CandidateSource[] = [];
  for (const { kind, id } of sources) {
    if (!(SOURCE_KINDS as readonly string[]).includes(kind)) return fail('UNKNOWN_SOURCE');
    const key = `${kind}:${id}`;
    if (seen.has(key)) return fail('BAD_REQUEST', 'The same source is listed twice.');
    seen.add(key);
    const source = resolveSource(state, kind, id);
    if (!source) return fail('UNKNOWN_SOURCE');
    resolved.push(source);
  }
  return ok(resolved);
}

/**
 * Whoever runs the room adds a candidate at the end of the list, with the themes, notes and
 * statements it came from. A blank title takes the title of its first theme or statement (a
 * note's text is no title); with neither, the title is required.
 */
export const addCandidate: Handler<'addCandidate'> = (state, actor, command, ctx) => {
  const ws = facilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  if ((ws.value.candidateOrder ?? []).length >= LIMITS.candidatesPerWorkshop) {
    return fail('TOO_MANY_CANDIDATES');
  }
  const sources = resolveSources(ws.value, command.sources);
  if (!sources.ok) return sources;
  const named = sources.value.find((s) => s.kind !== 'note');
  const blank = command.title.trim() === '';
  const title = cleanLine(
    blank && named ? named.title : command.title,
    LIMITS.candidateTitleLength,
  );
  if (!title.ok) return title;
  const description = cleanText(command.description, LIMITS.candidateDescriptionLength, true);
  if (!description.ok) return description;
  const candidate: Candidate = {
    id: ctx.newId(),
    title: title.value,
    description: description.value,
    sources: sources.value,
    createdAt: ctx.now,
    ...inSession(ws.value),
  };
  return ok({
    events: [{ type: 'candidateAdded', candidate }],
    reply: { candidateId: candidate.id },
  });
};

/** Title and description change; the sources stay as they were made. */
export const editCandidate: Handler<'editCandidate'> = (state, actor, command) => {
  const found = facilitatorCandidate(state, actor, command.candidateId);
  if (!found.ok) return found;
  const { candidate } = found.value;
  const title = cleanLine(command.title, LIMITS.candidateTitleLength);
  if (!title.ok) return title;
  const description = cleanText(command.description, LIMITS.candidateDescriptionLength, true);
  if (!description.ok) return description;
  if (title.value === candidate.title && description.value === candidate.description) {
    return ok({ events: [] });
  }
  return ok({
    events: [
      {
        type: 'candidateEdited',
        candidateId: candidate.id,
        title: title.value,
        description: description.value,
      },
    ],
  });
};

/**
 * Removing a candidate is allowed at any time, a vote or a ranking open included: its dots are
 * dropped from every ballot (freeing them), and it leaves the ranking's items and every ranking
 * ballot (the rest of each ballot keeps its order). Priorities made from it stay (copies).
 */
export const removeCandidate: Handler<'removeCandidate'> = (state, actor, command) => {
  const found = facilitatorCandidate(state, actor, command.candidateId);
  if (!found.ok) return found;
  return ok({ events: [{ type: 'candidateRemoved', candidateId: found.value.candidate.id }] });
};

/** Swap a candidate with its neighbour; at either end nothing moves. */
export const moveCandidate: Handler<'moveCandidate'> = (state, actor, command) => {
  const found = facilitatorCandidate(state, actor, command.candidateId);
  if (!found.ok) return found;
  const { ws, candidate } = found.value;
  const ids = [...(ws.candidateOrder ?? [])];
  const at = ids.indexOf(candidate.id);
  const to = command.direction === 'up' ? at - 1 : at + 1;
  if (to < 0 || to >= ids.length) return ok({ events: [] });
  [ids[at], ids[to]] = [ids[to]!, ids[at]!];
  return ok({ events: [{ type: 'candidatesReordered', candidateIds: ids }] });
};
