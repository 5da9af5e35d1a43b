import { fail, ok } from '../errors';
import type { SectorId, Workshop, WorkshopId } from '../model';
import { LIMITS } from '../model';
import { buildFromTemplate } from '../template';
import { cleanLine, cleanText } from '../text';
import type { Handler } from './decision';

/** Anyone may create a workshop (the transport may require a token first). */
export const createWorkshop: Handler<'createWorkshop'> = (state, _actor, command, ctx) => {
  if (state) return fail('BAD_REQUEST', 'The workshop already exists.');
  const title = cleanLine(command.title, LIMITS.titleLength);
  if (!title.ok) return title;
  const question = cleanText(command.question, LIMITS.questionLength, true);
  if (!question.ok) return question;

  const labels: string[] = [];
  for (const raw of command.sectors) {
    const label = cleanLine(raw, LIMITS.sectorLabelLength, true);
    if (!label.ok) return label;
    if (label.value === '') continue;
    if (labels.some((l) => l.toLowerCase() === label.value.toLowerCase())) {
      return fail('DUPLICATE_SECTOR', `The sector "${label.value}" is listed twice.`);
    }
    labels.push(label.value);
  }
  if (labels.length > LIMITS.sectorsPerWorkshop) {
    return fail('BAD_REQUEST', `At most ${LIMITS.sectorsPerWorkshop} sectors.`);
  }

  const template = command.template ?? 'fourStages';
  const { stages, boards } = buildFromTemplate(command.language, ctx.newId, template);
  const workshop: Workshop = {
    id: ctx.newId() as WorkshopId,
    title: title.value,
    question: question.value,
    language: command.language,
    sectors: labels.map((label) => ({ id: ctx.newId() as SectorId, label })),
    joinCode: command.joinCode,
    facilitatorKeyHash: command.facilitatorKeyHash,
    createdAt: ctx.now,
    coFacilitators: {},
    joiningOpen: true,
    currentStage: template === 'discoverOnly' ? 'discover' : 'define',
    stages,
    boards,
    notes: {},
    participants: {},
  };
  return ok({
    events: [{ type: 'workshopCreated', workshop }],
    reply: { workshopId: workshop.id, joinCode: workshop.joinCode },
  });
};
