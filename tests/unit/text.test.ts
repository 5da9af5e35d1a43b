import { describe, expect, it } from 'vitest';
import {
  decide,
  execute,
  LIMITS,
  textLength,
  type Actor,
  type Command,
  type CommandOf,
  type Workshop,
} from '../../src/lib/domain';
import {
  boardOf,
  cmd,
  createCommand,
  facilitator,
  join,
  newWorkshop,
  nobody,
  postNote,
  testContext,
  type Session,
} from './helpers';

/** What became of a text: the value stored, or the refusal code. */
type Outcome = { stored: string } | { code: string };

/** Run one command on a fresh session and read back the field it sets. */
function probe(
  prepare: (s: Session, text: string) => { actor: Actor; command: Command },
  read: (s: Session, reply: Record<string, string> | undefined) => string | undefined,
): (text: string) => Outcome {
  return (text) => {
    const s = newWorkshop();
    const { actor, command } = prepare(s, text);
    const result = execute(s.state, actor, command, s.ctx);
    if (!result.ok) return { code: result.error.code };
    s.state = result.value.state;
    return { stored: read(s, result.value.decision.reply) ?? '<absent>' };
  };
}

/** A creation, where there is no state yet. */
function probeCreate(
  field: (text: string) => Partial<CommandOf<'createWorkshop'>>,
  read: (ws: Workshop) => string,
): (text: string) => Outcome {
  return (text) => {
    const result = decide(null, nobody, createCommand(field(text)), testContext());
    if (!result.ok) return { code: result.error.code };
    const event = result.value.events[0]!;
    if (event.type !== 'workshopCreated') throw new Error('no workshopCreated');
    return { stored: read(event.workshop) };
  };
}

interface Field {
  name: string;
  max: number;
  singleLine: boolean;
  required: boolean;
  attempt: (text: string) => Outcome;
}

const fields: Field[] = [
  {
    name: 'workshop title',
    max: LIMITS.titleLength,
    singleLine: true,
    required: true,
    attempt: probeCreate(
      (title) => ({ title }),
      (ws) => ws.title,
    ),
  },
  {
    name: 'workshop question (creation)',
    max: LIMITS.questionLength,
    singleLine: false,
    required: false,
    attempt: probeCreate(
      (question) => ({ question }),
      (ws) => ws.question,
    ),
  },
  {
    name: 'sector label',
    max: LIMITS.sectorLabelLength,
    singleLine: true,
    required: false,
    attempt: probeCreate(
      (label) => ({ sectors: [label] }),
      (ws) => ws.sectors[0]?.label ?? '',
    ),
  },
  {
    name: 'participant name',
    max: LIMITS.nameLength,
    singleLine: true,
    required: true,
    attempt: probe(
      (_s, text) => ({ actor: nobody, command: cmd.join(text, null, 'tok') }),
      (s, reply) => s.state.participants[reply!.participantId!]?.name,
    ),
  },
  {
    name: 'question (setQuestion)',
    max: LIMITS.questionLength,
    singleLine: false,
    required: false,
    attempt: probe(
      (_s, text) => ({ actor: facilitator, command: cmd.setQuestion(text) }),
      (s) => s.state.question,
    ),
  },
  {
    name: 'stage prompt',
    max: LIMITS.promptLength,
    singleLine: false,
    required: false,
    attempt: probe(
      (_s, text) => ({ actor: facilitator, command: cmd.setStagePrompt('dream', text) }),
      (s) => s.state.stages.dream.prompt,
    ),
  },
  {
    name: 'column title (add)',
    max: LIMITS.columnTitleLength,
    singleLine: true,
    required: true,
    attempt: probe(
      (s, text) => ({
        actor: facilitator,
        command: cmd.addColumn(boardOf(s.state, 'define').id, text),
      }),
      (s, reply) => boardOf(s.state, 'define').columns.find((c) => c.id === reply?.columnId)?.title,
    ),
  },
  {
    name: 'column title (rename)',
    max: LIMITS.columnTitleLength,
    singleLine: true,
    required: true,
    attempt: probe(
      (s, text) => {
        const board = boardOf(s.state, 'define');
        return {
          actor: facilitator,
          command: cmd.renameColumn(board.id, board.columns[0]!.id, text),
        };
      },
      (s) => boardOf(s.state, 'define').columns[0]!.title,
    ),
  },
  {
    name: 'note (add)',
    max: LIMITS.noteLength,
    singleLine: false,
    required: true,
    attempt: probe(
      (s, text) => {
        const board = boardOf(s.state, 'define');
        return {
          actor: join(s, 'Alice'),
          command: cmd.addNote(board.id, board.columns[0]!.id, text),
        };
      },
      (s, reply) => s.state.notes[reply!.noteId!]?.text,
    ),
  },
  {
    name: 'note (edit)',
    max: LIMITS.noteLength,
    singleLine: false,
    required: true,
    attempt: probe(
      (s, text) => {
        const alice = join(s, 'Alice');
        const id = postNote(s, alice, 'define', 'original');
        return { actor: alice, command: cmd.editNote(id, text) };
      },
      (s) => Object.values(s.state.notes)[0]?.text,
    ),
  },
];

describe('text rules, field by field', () => {
  for (const field of fields) {
    const attempt = field.attempt;
    describe(field.name, () => {
      it(`[T1] ${field.name}: trimmed at both ends`, () => {
        expect(attempt(' \t\n  Bonjour le monde \r\n ')).toEqual({ stored: 'Bonjour le monde' });
      });

      if (field.singleLine) {
        it(`[T3] ${field.name}: every run of white space becomes one space`, () => {
          expect(attempt('a \n\t b\r\nc\r\rd  e')).toEqual({ stored: 'a b c d e' });
        });
      } else {
        it(`[T3] ${field.name}: inner line breaks are kept, CR LF and CR become LF`, () => {
          expect(attempt('a\r\nb\rc\n\nd  e')).toEqual({ stored: 'a\nb\nc\n\nd  e' });
        });
      }

      it(`[T2] ${field.name}: ${field.max} emoji are accepted, ${field.max + 1} refused`, () => {
        expect(attempt('😀'.repeat(field.max))).toEqual({ stored: '😀'.repeat(field.max) });
        expect(attempt('😀'.repeat(field.max + 1))).toEqual({ code: 'TEXT_TOO_LONG' });
      });

      it(`[T2] ${field.name}: the limit applies after trimming and is inclusive`, () => {
        expect(attempt(`   ${'é'.repeat(field.max)}   `)).toEqual({
          stored: 'é'.repeat(field.max),
        });
        expect(attempt('é'.repeat(field.max + 1))).toEqual({ code: 'TEXT_TOO_LONG' });
      });

      if (field.required) {
        it(`[T4] ${field.name}: empty or blank is refused with EMPTY_TEXT`, () => {
          expect(attempt('')).toEqual({ code: 'EMPTY_TEXT' });
          expect(attempt(' \r\n\t ')).toEqual({ code: 'EMPTY_TEXT' });
        });
      } else {
        it(`[T4] ${field.name}: may be left empty`, () => {
          expect(attempt('')).toEqual({ stored: '' });
          expect(attempt('  \n ')).toEqual({ stored: '' });
        });
      }
    });
  }
});

describe('textLength', () => {
  it('[T2] counts code points: an emoji counts 1, a precomposed accent 1', () => {
    expect(textLength('')).toBe(0);
    expect(textLength('abc')).toBe(3);
    expect(textLength('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(textLength('😀'.repeat(280))).toBe(280);
    expect(textLength('café')).toBe(4);
  });

  it('[T2] counts code points, not graphemes: combining marks and modifiers count apart', () => {
    expect(textLength('e\u0301')).toBe(2);
    expect(textLength('👍🏽')).toBe(2);
    expect(textLength('🇫🇷')).toBe(2);
  });

  it('[T4] the TEXT_TOO_LONG message names the limit', () => {
    const s = newWorkshop();
    const result = decide(s.state, facilitator, cmd.setQuestion('q'.repeat(501)), s.ctx);
    expect(result).toEqual({
      ok: false,
      error: { code: 'TEXT_TOO_LONG', message: 'The text is longer than 500 characters.' },
    });
  });
});
