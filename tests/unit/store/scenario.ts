import { execute, type Actor, type Command, type Workshop } from '../../../src/lib/domain/index';
import type { LogRecord } from '../../../server/store/types';

let ids = 0;
export const ctx = () => ({ now: 1_700_000_000_000 + ids, newId: () => `id${++ids}` });

/**
 * Run commands through the domain, returning the records a server would store: a workshop is
 * created, Ana joins and posts `noteCount` notes (op ids from `noteOp`, `op-note-<i>` by default).
 */
export function scenario(
  noteCount: number,
  noteOp: (i: number) => string = (i) => `op-note-${i}`,
): { records: LogRecord[]; state: Workshop; sender: string } {
  const records: LogRecord[] = [];
  let state: Workshop | null = null;
  const run = (actor: Actor, command: Command, op: string, sender: string = actor.role) => {
    const result = execute(state, actor, command, ctx());
    if (!result.ok) throw new Error(result.error.code);
    state = result.value.state;
    records.push({
      op,
      actor: sender,
      at: 0,
      events: result.value.decision.events,
      reply: result.value.decision.reply ?? {},
    });
    return result.value.decision.reply ?? {};
  };
  run(
    { role: 'nobody' },
    {
      type: 'createWorkshop',
      title: 'Atelier',
      question: 'Qu’est-ce qui marche ?',
      language: 'fr',
      sectors: ['Clinique'],
      joinCode: 'ACDEFG',
      facilitatorKeyHash: 'f'.repeat(64),
    },
    'op-create',
  );
  const { participantId } = run(
    { role: 'nobody' },
    {
      type: 'joinWorkshop',
      name: 'Ana',
      sector: null,
      tokenHash: 'a'.repeat(64),
      rejoinCodeHash: 'r'.repeat(64),
    },
    'op-join',
    't:a',
  );
  const ws = state as unknown as Workshop;
  const boardId = ws.stages.define.boardIds[0]!;
  const columnId = ws.boards[boardId]!.columns[0]!.id;
  const actor = { role: 'participant', participantId } as Actor;
  for (let i = 0; i < noteCount; i++) {
    run(
      actor,
      { type: 'addNote', boardId, columnId, text: `note ${i} ${'x'.repeat(100)}` } as Command,
      noteOp(i),
      `p:${participantId}`,
    );
  }
  return { records, state: state as unknown as Workshop, sender: `p:${participantId}` };
}
