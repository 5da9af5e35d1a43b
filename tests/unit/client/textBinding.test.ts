import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  diffText,
  TextBinding,
  transformPosition,
  type TextField,
} from '../../../src/lib/client/textBinding';

/** A textarea as far as the binding sees it: setting the value puts the caret at the end. */
class FakeField implements TextField {
  #value = '';
  selectionStart: number | null = 0;
  selectionEnd: number | null = 0;
  selectionDirection: 'forward' | 'backward' | 'none' | null = 'none';
  get value(): string {
    return this.#value;
  }
  set value(next: string) {
    this.#value = next;
    this.selectionStart = this.selectionEnd = next.length;
  }
  setSelectionRange(start: number, end: number): void {
    this.selectionStart = Math.min(start, this.#value.length);
    this.selectionEnd = Math.min(end, this.#value.length);
  }
  /** What a browser does on a keystroke or a paste: new value, caret after the typed text. */
  type(at: number, remove: number, insert: string): void {
    const v = this.#value;
    this.value = v.slice(0, at) + insert + v.slice(at + remove);
    this.setSelectionRange(at + insert.length, at + insert.length);
  }
}

/** A writer: a doc, its text, a field bound to it, and the updates it sent not yet delivered. */
function writer(maxLength?: number) {
  const doc = new Y.Doc();
  const text = doc.getText('s1');
  const field = new FakeField();
  const binding = new TextBinding(text, field, { maxLength });
  const outbox: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') outbox.push(update);
  });
  const receive = (update: Uint8Array) => Y.applyUpdate(doc, update, 'remote');
  return { doc, text, field, binding, outbox, receive };
}

/** A small deterministic random source, so a failing sequence can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const insideEmoji = (text: string, at: number) => /[\uDC00-\uDFFF]/.test(text.charAt(at));
const TOKENS = ['x', 'yz', 'é', '😀', ' ', 'abc'];

describe('text binding', () => {
  it('[V20] a local input becomes one minimal edit in one transaction', () => {
    const a = writer();
    a.field.type(0, 0, 'Dans trois ans');
    a.binding.input();
    expect(a.outbox).toHaveLength(1);
    a.field.type(5, 5, 'cinq');
    a.binding.input();
    expect(a.outbox).toHaveLength(2);
    expect(a.text.toString()).toBe('Dans cinq ans');
    expect(diffText('Dans trois ans', 'Dans cinq ans')).toEqual({
      index: 5,
      remove: 5,
      insert: 'cinq',
    });
    // a paste is one edit too
    a.field.type(a.field.value.length, 0, ', chaque personne…');
    a.binding.input();
    expect(a.outbox).toHaveLength(3);
  });

  it('[V20] the diff never cuts a surrogate pair', () => {
    const edit = diffText('a😀b', 'a😃b');
    expect(edit).toEqual({ index: 1, remove: 2, insert: '😃' });
    const a = writer();
    a.field.type(0, 0, 'a😀b');
    a.binding.input();
    a.field.value = 'a😃b';
    a.binding.input();
    expect(a.text.toString()).toBe('a😃b');
  });

  it('[V20] two writers typing at once converge, whatever order their updates arrive in', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = random(seed);
      const a = writer();
      const b = writer();
      const writers = [a, b];
      for (let step = 0; step < 60; step++) {
        const w = writers[Math.floor(rnd() * 2)]!;
        const other = w === a ? b : a;
        const roll = rnd();
        if (roll < 0.6) {
          const len = w.field.value.length;
          let at = Math.floor(rnd() * (len + 1));
          let remove = rnd() < 0.3 ? Math.floor(rnd() * Math.min(4, len - at + 1)) : 0;
          // a browser's caret never sits inside an emoji
          if (insideEmoji(w.field.value, at)) at--;
          if (insideEmoji(w.field.value, at + remove)) remove++;
          const insert = rnd() < 0.9 ? TOKENS[Math.floor(rnd() * TOKENS.length)]! : '';
          w.field.type(at, remove, insert);
          w.binding.input();
        } else if (w.outbox.length > 0) {
          // deliver some of w's updates to the other, in order (the server relays in order)
          const n = 1 + Math.floor(rnd() * w.outbox.length);
          for (const update of w.outbox.splice(0, n)) other.receive(update);
        }
        // the field always shows the text it is bound to
        expect(w.field.value).toBe(w.text.toString());
        expect(other.field.value).toBe(other.text.toString());
      }
      for (const update of a.outbox.splice(0)) b.receive(update);
      for (const update of b.outbox.splice(0)) a.receive(update);
      expect(a.text.toString(), `seed ${seed}`).toBe(b.text.toString());
      expect(a.field.value).toBe(b.field.value);
    }
  });

  it('[V20] the caret stays in place when someone types or deletes before it', () => {
    const a = writer();
    const b = writer();
    a.field.type(0, 0, 'nous soignons ensemble');
    a.binding.input();
    for (const u of a.outbox.splice(0)) b.receive(u);
    // b selects "soignons"
    b.field.setSelectionRange(5, 13);
    expect(b.field.value.slice(5, 13)).toBe('soignons');
    a.field.type(0, 0, 'Ici, ');
    a.binding.input();
    for (const u of a.outbox.splice(0)) b.receive(u);
    expect(b.field.value.slice(b.field.selectionStart!, b.field.selectionEnd!)).toBe('soignons');
    // a deletes "Ici, nous " before b's selection
    a.field.type(0, 10, '');
    a.binding.input();
    for (const u of a.outbox.splice(0)) b.receive(u);
    expect(b.field.value).toBe('soignons ensemble');
    expect([b.field.selectionStart, b.field.selectionEnd]).toEqual([0, 8]);
    // text typed after the caret does not move it; text typed exactly at it does not push it
    b.field.setSelectionRange(8, 8);
    a.field.type(17, 0, '!');
    a.field.type(8, 0, ' tous');
    a.binding.input();
    for (const u of a.outbox.splice(0)) b.receive(u);
    expect(b.field.value).toBe('soignons tous ensemble!');
    expect([b.field.selectionStart, b.field.selectionEnd]).toEqual([8, 8]);
  });

  it('[V20] a position moves through a delta: inserts before it push it, deletes pull it', () => {
    expect(transformPosition(5, [{ insert: 'ab' }])).toBe(7);
    expect(transformPosition(5, [{ retain: 5 }, { insert: 'ab' }])).toBe(5);
    expect(transformPosition(5, [{ retain: 2 }, { delete: 10 }])).toBe(2);
    expect(transformPosition(5, [{ retain: 1 }, { delete: 2 }, { insert: 'xyz' }])).toBe(6);
  });

  it('[V21] the field never makes a text longer than the cap; what fits is kept', () => {
    const a = writer(10);
    a.field.type(0, 0, 'abcdefgh');
    a.binding.input();
    a.field.type(8, 0, 'XYZ');
    a.binding.input();
    expect(a.text.toString()).toBe('abcdefghXY');
    expect(a.field.value).toBe('abcdefghXY');
    expect(a.field.selectionStart).toBe(10);
    // at the cap, typing more changes nothing and sends nothing
    const sent = a.outbox.length;
    a.field.type(3, 0, 'Q');
    a.binding.input();
    expect(a.text.toString()).toBe('abcdefghXY');
    expect(a.field.value).toBe('abcdefghXY');
    expect(a.outbox).toHaveLength(sent);
    // a replacement that fits goes through; half an emoji is never kept
    a.field.type(0, 2, '😀😀');
    a.binding.input();
    expect(a.text.toString()).toBe('😀cdefghXY');
  });

  it('[V20] a word being composed (a phone keyboard) is left alone by remote changes until it ends', () => {
    const a = writer();
    const b = writer();
    a.field.type(0, 0, 'le monde');
    a.binding.input();
    for (const u of a.outbox.splice(0)) b.receive(u);
    b.binding.compositionStart();
    b.field.type(8, 0, ' sa');
    b.binding.input();
    // nothing came from elsewhere yet: the composing word is sent as it is typed
    expect(b.text.toString()).toBe('le monde sa');
    a.field.type(0, 0, 'Bonjour ');
    a.binding.input();
    for (const u of a.outbox.splice(0)) b.receive(u);
    // the field is not touched while the word is composed, and the caret stays in it
    expect(b.field.value).toBe('le monde sa');
    b.field.type(11, 0, 'lut');
    b.binding.input();
    expect(b.field.value).toBe('le monde salut');
    b.binding.compositionEnd();
    expect(b.text.toString()).toBe('Bonjour le monde salut');
    expect(b.field.value).toBe('Bonjour le monde salut');
    expect([b.field.selectionStart, b.field.selectionEnd]).toEqual([22, 22]);
    for (const u of b.outbox.splice(0)) a.receive(u);
    for (const u of a.outbox.splice(0)) b.receive(u);
    expect(a.text.toString()).toBe('Bonjour le monde salut');
    expect(a.field.value).toBe(b.field.value);
  });

  it('[V20] clear empties the text for everyone, as one edit', () => {
    const a = writer();
    const b = writer();
    a.field.type(0, 0, 'à effacer');
    a.binding.input();
    for (const u of a.outbox.splice(0)) b.receive(u);
    b.binding.clear();
    expect(b.field.value).toBe('');
    expect(b.outbox).toHaveLength(1);
    for (const u of b.outbox.splice(0)) a.receive(u);
    expect(a.field.value).toBe('');
  });

  it('[V20] a destroyed binding no longer follows its text', () => {
    const a = writer();
    a.binding.destroy();
    a.text.insert(0, 'plus suivi');
    expect(a.field.value).toBe('');
  });
});
