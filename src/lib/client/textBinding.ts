import type * as Y from 'yjs';

/** The part of a <textarea> the binding uses (a fake one in tests). */
export interface TextField {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  selectionDirection?: 'forward' | 'backward' | 'none' | null;
  setSelectionRange(start: number, end: number, direction?: 'forward' | 'backward' | 'none'): void;
}

/** One edit that turns a text into another: delete `remove` units at `index`, then insert. */
export interface TextEdit {
  index: number;
  remove: number;
  insert: string;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The smallest single edit from `before` to `after`: what they share at the start and the end
 * is kept. Neither end cuts a surrogate pair (Yjs would store half an emoji as U+FFFD).
 */
export function diffText(before: string, after: string): TextEdit {
  const shortest = Math.min(before.length, after.length);
  let start = 0;
  while (start < shortest && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHigh(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (
    end < shortest - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++;
  }
  if (end > 0 && isLow(before.charCodeAt(before.length - end))) end--;
  return {
    index: start,
    remove: before.length - start - end,
    insert: after.slice(start, after.length - end),
  };
}

/** `text` cut to at most `max` UTF-16 units, never in the middle of a surrogate pair. */
function cutTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max));
  return cut.length > 0 && isHigh(cut.charCodeAt(cut.length - 1)) ? cut.slice(0, -1) : cut;
}

/**
 * Where a position in the text goes when a change (a Yjs delta) is applied before it. Text
 * inserted exactly at the position stays after it: someone typing where my caret is does not
 * push my caret along.
 */
export function transformPosition(position: number, delta: Y.YTextEvent['delta']): number {
  // `index` walks the text as it was before the change, `moved` is where the position ends up.
  let index = 0;
  let moved = position;
  for (const op of delta) {
    if (index >= position) break;
    if (op.retain !== undefined) index += op.retain;
    else if (typeof op.insert === 'string') moved += op.insert.length;
    else if (op.delete !== undefined) {
      moved -= Math.min(op.delete, position - index);
      index += op.delete;
    }
  }
  return moved;
}

export interface TextBindingOptions {
  /** The transaction origin of this field's own edits (remote changes are the others). */
  origin?: unknown;
  /** Longest text this field makes, in UTF-16 units (the server has the last word). */
  maxLength?: number;
  /** Whether the caret is this field's to move (a focused field); moving it may focus it. */
  hasCaret?: () => boolean;
  /** Called after a change from someone else reached the field. */
  onRemote?: (event: Y.YTextEvent) => void;
}

/**
 * Binds a text field to a Y.Text both ways. Each input becomes one minimal edit in one
 * transaction (one Yjs update per keystroke, not per character of a paste); each remote change
 * replaces the field's value and moves its selection through that change.
 */
export class TextBinding {
  readonly origin: unknown;
  readonly maxLength: number;
  readonly #text: Y.Text;
  readonly #field: TextField;
  readonly #hasCaret: () => boolean;
  readonly #onRemote: ((event: Y.YTextEvent) => void) | undefined;
  readonly #observer: (event: Y.YTextEvent) => void;
  /** An IME is composing a word in the field (phones' keyboards do it for every word). */
  #composing = false;
  /**
   * Remote changes that came during a composition, kept off the field (changing its value would
   * break the composition), with what the field showed before the first of them.
   */
  #held: { base: string; deltas: Y.YTextEvent['delta'][] } | null = null;

  constructor(text: Y.Text, field: TextField, options: TextBindingOptions = {}) {
    this.#text = text;
    this.#field = field;
    this.origin = options.origin ?? this;
    this.maxLength = options.maxLength ?? 1000;
    this.#hasCaret = options.hasCaret ?? (() => true);
    this.#onRemote = options.onRemote;
    this.#observer = (event) => {
      if (event.transaction.origin === this.origin) return;
      this.#followRemote(event);
    };
    field.value = text.toString();
    text.observe(this.#observer);
  }

  /** The field changed (an input event): send the difference, within the length cap. */
  input(): void {
    // Remote changes wait for the end of the word being composed; this edit goes with them.
    if (this.#held) return;
    const before = this.#text.toString();
    const typed = this.#field.value;
    if (typed === before) return;
    this.#apply(diffText(before, typed), before);
  }

  /** An IME starts composing (compositionstart). */
  compositionStart(): void {
    this.#composing = true;
  }

  /**
   * The composition ended (compositionend): what was typed meanwhile is carried through the
   * remote changes held back during it, then the field shows the text with both.
   */
  compositionEnd(): void {
    this.#composing = false;
    const held = this.#held;
    this.#held = null;
    if (!held) return this.input();
    const local = diffText(held.base, this.#field.value);
    let start = local.index;
    let end = local.index + local.remove;
    for (const delta of held.deltas) {
      start = transformPosition(start, delta);
      end = transformPosition(end, delta);
    }
    const current = this.#text.toString();
    const edit = { index: start, remove: Math.max(0, end - start), insert: local.insert };
    this.#field.value = current;
    const caret = this.#apply(edit, current);
    if (this.#field.value !== this.#text.toString()) this.#field.value = this.#text.toString();
    if (this.#hasCaret()) this.#field.setSelectionRange(caret, caret);
  }

  /**
   * Apply one edit made on `before` (the text as it is) within the cap: the field ends with
   * the text, and the caret's index after the edit is returned.
   */
  #apply(edit: TextEdit, before: string): number {
    const room = this.maxLength - (before.length - edit.remove);
    const insert = cutTo(edit.insert, room);
    const caret = edit.index + insert.length;
    if (insert !== edit.insert) {
      // Over the cap: keep what fits, and put the caret after it.
      this.#field.value =
        before.slice(0, edit.index) + insert + before.slice(edit.index + edit.remove);
      this.#field.setSelectionRange(caret, caret);
    }
    if (edit.remove === 0 && insert === '') return caret;
    this.#text.doc!.transact(() => {
      if (edit.remove > 0) this.#text.delete(edit.index, edit.remove);
      if (insert !== '') this.#text.insert(edit.index, insert);
    }, this.origin);
    return caret;
  }

  /** Empty the text, as one edit of this field (moderation: "clear"). */
  clear(): void {
    if (this.#text.length === 0) return;
    this.#text.doc!.transact(() => this.#text.delete(0, this.#text.length), this.origin);
    this.#field.value = '';
  }

  destroy(): void {
    this.#text.unobserve(this.#observer);
  }

  #followRemote(event: Y.YTextEvent): void {
    const field = this.#field;
    if (this.#composing) {
      this.#held ??= { base: field.value, deltas: [] };
      this.#held.deltas.push(event.delta);
      this.#onRemote?.(event);
      return;
    }
    const next = this.#text.toString();
    const caret = this.#hasCaret();
    const start = field.selectionStart ?? 0;
    const end = field.selectionEnd ?? start;
    const direction = field.selectionDirection ?? undefined;
    if (field.value !== next) field.value = next;
    if (caret) {
      field.setSelectionRange(
        transformPosition(start, event.delta),
        transformPosition(end, event.delta),
        direction ?? undefined,
      );
    }
    this.#onRemote?.(event);
  }
}
