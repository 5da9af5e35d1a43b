/** The words the exports write, French first. Kept here so that the exports stay pure data. */
import type { Language, PriorityStatus, StageId } from '../domain/model';

export interface ExportWords {
  stage: Record<StageId, string>;
  status: Record<PriorityStatus, string>;
  /** A session without a label: "Séance 2". */
  session: (n: number) => string;
  groupNone: string;
  groupOther: string;
  priorities: {
    rank: string;
    title: string;
    description: string;
    borda: string;
    meanRank: string;
    approval: string;
    dots: string;
    agreement: string;
    support: (group: string) => string;
    owner: string;
    nextStep: string;
    horizon: string;
    status: string;
    sources: string;
  };
  notes: {
    session: string;
    stage: string;
    board: string;
    column: string;
    theme: string;
    text: string;
    group: string;
    time: string;
  };
  md: {
    /** "Question : …" in French, "Question: …" in English. */
    colon: string;
    question: string;
    objectives: string;
    sessions: string;
    /** A vote whose figures are not out yet. */
    notRevealed: string;
    presenters: string;
    facilitators: string;
    noteTakers: string;
    otherInfo: string;
    keyMessages: string;
    unthemed: string;
    answeredBy: string;
    links: string;
    statements: string;
    candidates: string;
    dotVote: string;
    candidate: string;
    ranking: string;
    ballots: (n: number) => string;
    agreement: string;
    agreementLevel: Record<'none' | 'weak' | 'moderate' | 'strong', string>;
    support: string;
    supportWithheld: string;
    priorities: string;
    owner: string;
    nextStep: string;
    horizon: string;
    status: string;
    sources: string;
    anonymous: string;
    empty: string;
  };
}

const fr: ExportWords = {
  stage: { define: 'Définition', discover: 'Découverte', dream: 'Devenir', decide: 'Décision' },
  status: {
    proposed: 'Proposée',
    committed: 'Adoptée',
    'in progress': 'En cours',
    done: 'Réalisée',
    dropped: 'Abandonnée',
  },
  session: (n) => `Séance ${n}`,
  groupNone: 'Non précisé',
  groupOther: 'Autres secteurs',
  priorities: {
    rank: 'Rang',
    title: 'Titre',
    description: 'Description',
    borda: 'Points Borda',
    meanRank: 'Rang moyen',
    approval: 'Approbation (top 3)',
    dots: 'Gommettes',
    agreement: 'Accord (W de Kendall)',
    support: (group) => `Soutien : ${group}`,
    owner: 'Responsable',
    nextStep: 'Prochaine étape',
    horizon: 'Échéance',
    status: 'Statut',
    sources: 'Thèmes sources',
  },
  notes: {
    session: 'Séance',
    stage: 'Étape',
    board: 'Tableau',
    column: 'Colonne',
    theme: 'Thème',
    text: 'Texte',
    group: 'Groupe de secteurs',
    time: 'Heure (UTC)',
  },
  md: {
    colon: ' : ',
    question: 'Question',
    objectives: 'Objectifs',
    sessions: 'Séances',
    notRevealed: 'Résultats à venir : ils paraissent une fois le vote fermé et dévoilé.',
    presenters: 'Présentation',
    facilitators: 'Animation',
    noteTakers: 'Prise de notes',
    otherInfo: 'Autres informations pertinentes',
    keyMessages: 'Messages clés à partager',
    unthemed: 'Notes hors thème',
    answeredBy: 'levée par',
    links: 'Freins et leviers',
    statements: 'Énoncés de vision',
    candidates: 'Propositions',
    dotVote: 'Vote par gommettes',
    candidate: 'Proposition',
    ranking: 'Classement',
    ballots: (n) => `${n} bulletin${n > 1 ? 's' : ''}`,
    agreement: 'Accord',
    agreementLevel: { none: 'aucun', weak: 'faible', moderate: 'modéré', strong: 'fort' },
    support: 'Soutien par groupe de secteurs (points Borda)',
    supportWithheld: 'Non affiché : un groupe compte moins de trois personnes.',
    priorities: 'Priorités d’innovation',
    owner: 'Responsable',
    nextStep: 'Prochaine étape',
    horizon: 'Échéance',
    status: 'Statut',
    sources: 'Sources',
    anonymous: 'anonyme',
    empty: '(aucune)',
  },
};

const en: ExportWords = {
  stage: { define: 'Define', discover: 'Discover', dream: 'Dream', decide: 'Decide' },
  status: {
    proposed: 'Proposed',
    committed: 'Committed',
    'in progress': 'In progress',
    done: 'Done',
    dropped: 'Dropped',
  },
  session: (n) => `Session ${n}`,
  groupNone: 'Not stated',
  groupOther: 'Other sectors',
  priorities: {
    rank: 'Rank',
    title: 'Title',
    description: 'Description',
    borda: 'Borda points',
    meanRank: 'Mean rank',
    approval: 'Approval (top 3)',
    dots: 'Dots',
    agreement: "Agreement (Kendall's W)",
    support: (group) => `Support: ${group}`,
    owner: 'Owner',
    nextStep: 'Next step',
    horizon: 'Horizon',
    status: 'Status',
    sources: 'Source themes',
  },
  notes: {
    session: 'Session',
    stage: 'Stage',
    board: 'Board',
    column: 'Column',
    theme: 'Theme',
    text: 'Text',
    group: 'Sector group',
    time: 'Time (UTC)',
  },
  md: {
    colon: ': ',
    question: 'Question',
    objectives: 'Objectives',
    sessions: 'Sessions',
    notRevealed: 'Results to come: they appear once the vote is closed and revealed.',
    presenters: 'Presented by',
    facilitators: 'Facilitated by',
    noteTakers: 'Notes taken by',
    otherInfo: 'Other relevant information',
    keyMessages: 'Key messages to share',
    unthemed: 'Notes outside themes',
    answeredBy: 'lifted by',
    links: 'Barriers and enablers',
    statements: 'Vision statements',
    candidates: 'Candidates',
    dotVote: 'Dot vote',
    candidate: 'Candidate',
    ranking: 'Ranking',
    ballots: (n) => `${n} ballot${n === 1 ? '' : 's'}`,
    agreement: 'Agreement',
    agreementLevel: { none: 'none', weak: 'weak', moderate: 'moderate', strong: 'strong' },
    support: 'Support per sector group (Borda points)',
    supportWithheld: 'Not shown: a group holds fewer than three people.',
    priorities: 'Innovation priorities',
    owner: 'Owner',
    nextStep: 'Next step',
    horizon: 'Horizon',
    status: 'Status',
    sources: 'Sources',
    anonymous: 'anonymous',
    empty: '(none)',
  },
};

export const WORDS: Record<Language, ExportWords> = { fr, en };
