import type { Board, BoardId, ColumnId, Language, Stage, StageId, TemplateId } from './model';
import { STAGES } from './model';

interface BoardTemplate {
  title: string;
  columns: string[];
}
interface StageTemplate {
  prompt: string;
  boards: BoardTemplate[];
}

/** The built-in four-stage workshop, in each language. */
const FOUR_STAGES: Record<Language, Record<StageId, StageTemplate>> = {
  fr: {
    define: {
      prompt: 'Qu’espérez-vous de cette démarche, et quels défis voyez-vous ?',
      boards: [{ title: 'Attentes et défis', columns: ['Attentes', 'Défis'] }],
    },
    discover: {
      prompt: 'Pensez à ce qui fonctionne déjà : qu’est-ce qui aide, qu’est-ce qui freine ?',
      boards: [{ title: 'Obstacles et facilitateurs', columns: ['Obstacles', 'Facilitateurs'] }],
    },
    dream: {
      prompt: 'Imaginez la collaboration idéale dans trois ans. Que voyez-vous ?',
      boards: [{ title: 'Idées', columns: ['Idées'] }],
    },
    decide: {
      prompt: 'Choisissons ensemble les priorités d’innovation.',
      boards: [],
    },
  },
  en: {
    define: {
      prompt: 'What do you hope for from this work, and what challenges do you see?',
      boards: [{ title: 'Hopes and challenges', columns: ['Hopes', 'Challenges'] }],
    },
    discover: {
      prompt: 'Think of what already works: what helps, and what gets in the way?',
      boards: [{ title: 'Barriers and facilitators', columns: ['Barriers', 'Facilitators'] }],
    },
    dream: {
      prompt: 'Imagine the ideal collaboration three years from now. What do you see?',
      boards: [{ title: 'Ideas', columns: ['Ideas'] }],
    },
    decide: {
      prompt: 'Let us choose the innovation priorities together.',
      boards: [],
    },
  },
};

/** The sectors offered by default for health and social care workshops. */
export const DEFAULT_SECTORS: Record<Language, string[]> = {
  fr: [
    'Clinique / GMF',
    'Organisme communautaire',
    'Santé publique',
    'Patient partenaire',
    'Autre',
  ],
  en: [
    'Clinic / family medicine group',
    'Community organisation',
    'Public health',
    'Patient partner',
    'Other',
  ],
};

/** Build the stages and boards of a new workshop from the built-in template. */
export function buildFromTemplate(
  language: Language,
  newId: () => string,
  template: TemplateId = 'fourStages',
): { stages: Record<StageId, Stage>; boards: Record<string, Board> } {
  const boards: Record<string, Board> = {};
  const stages = {} as Record<StageId, Stage>;
  for (const stageId of STAGES) {
    const stageTemplate = FOUR_STAGES[language][stageId];
    const boardIds: BoardId[] = [];
    const kept =
      template === 'blank' || (template === 'discoverOnly' && stageId !== 'discover')
        ? []
        : stageTemplate.boards;
    for (const boardTemplate of kept) {
      const board: Board = {
        id: newId() as BoardId,
        stage: stageId,
        title: boardTemplate.title,
        columns: boardTemplate.columns.map((title) => ({ id: newId() as ColumnId, title })),
        hidden: false,
        locked: false,
        anonymous: false,
      };
      boards[board.id] = board;
      boardIds.push(board.id);
    }
    stages[stageId] = { id: stageId, prompt: stageTemplate.prompt, boardIds };
  }
  return { stages, boards };
}

/** A new board's default column, in the workshop's language. */
export const DEFAULT_COLUMN: Record<Language, string> = { fr: 'Notes', en: 'Notes' };
