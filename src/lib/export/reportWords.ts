/** The words of the printed workshop report, French first (see report.ts). */
import type { Language } from '../domain/model';
import { WORDS } from './words';

export interface ReportWords {
  /** The line above the title. */
  kicker: string;
  question: string;
  /** "Question : …" in French, "Question: …" in English. */
  colon: string;
  sessions: string;
  session: string;
  date: string;
  attended: string;
  byGroup: string;
  /** A session's attendance not broken down: a group would hold fewer than three people. */
  attendanceWithheld: string;
  attendanceNone: string;
  /** How the groups are formed (the k = 3 rule), under the table. */
  attendanceRule: string;
  people: string;
  presenters: string;
  facilitators: string;
  noteTakers: string;
  /** What stands in a field the facilitator has not filled in. */
  notFilled: string;
  objectives: string;
  noObjectives: string;
  /** The Découverte section's heading, after the stage's name. */
  discover: (stage: string) => string;
  noThemes: string;
  notes: (n: number) => string;
  unthemed: string;
  lifts: string;
  links: string;
  linksExplain: string;
  barrier: string;
  enabler: string;
  noLinks: string;
  vision: (stage: string) => string;
  noStatements: string;
  emptyStatement: string;
  decision: (stage: string) => string;
  candidates: string;
  noCandidates: string;
  dotVote: string;
  dotsCaption: (total: number) => string;
  dotsHidden: string;
  noDotVote: string;
  ranking: string;
  rankingCaption: (ballots: number) => string;
  rankingHidden: string;
  noRanking: string;
  noBallots: string;
  place: string;
  candidate: string;
  borda: string;
  meanRank: string;
  approval: string;
  agreement: string;
  /** "Kendall's W = 0.36: moderate agreement." */
  agreementLine: (w: string, level: string) => string;
  agreementLevel: Record<'none' | 'weak' | 'moderate' | 'strong', string>;
  agreementScale: string;
  agreementUnknown: string;
  support: string;
  supportExplain: string;
  supportWithheld: string;
  voters: (n: number) => string;
  carriedBy: string;
  priorities: string;
  noPriorities: string;
  owner: string;
  nextStep: string;
  horizon: string;
  status: string;
  sources: string;
  otherInfo: string;
  keyMessages: string;
  /** Chart titles (read by screen readers, and the SVG's own title). */
  dotsChart: string;
  rankingChart: string;
  /** The chart's value after a bar: "5 dots", "12.5 pts". */
  dotsValue: (n: number) => string;
  bordaValue: (n: string) => string;
  footer: string;
}

/**
 * What the report calls as the other exports do (the CSV's columns, the Markdown's headings):
 * taken from them, so that one thing keeps one name across the files a team takes home.
 */
function shared(language: Language) {
  const { md, notes, priorities } = WORDS[language];
  return {
    question: md.question,
    colon: md.colon,
    session: notes.session,
    objectives: md.objectives,
    unthemed: md.unthemed,
    candidates: md.candidates,
    dotVote: md.dotVote,
    ranking: md.ranking,
    candidate: md.candidate,
    keyMessages: md.keyMessages,
    otherInfo: md.otherInfo,
    priorities: md.priorities,
    place: priorities.rank,
    borda: priorities.borda,
    meanRank: priorities.meanRank,
    approval: priorities.approval,
    owner: priorities.owner,
    nextStep: priorities.nextStep,
    horizon: priorities.horizon,
    status: priorities.status,
    sources: priorities.sources,
  };
}

const fr: ReportWords = {
  ...shared('fr'),
  kicker: 'Rapport d’atelier',
  sessions: 'Séances et participation',
  date: 'Date',
  attended: 'Présences',
  byGroup: 'Par groupe de secteurs',
  attendanceWithheld: 'Détail non affiché : un groupe compterait moins de trois personnes.',
  attendanceNone: 'Personne n’a été enregistré.',
  attendanceRule:
    'Un secteur de moins de trois personnes est regroupé avec les autres sous « Autres secteurs » ; aucun groupe de moins de trois personnes n’est montré seul.',
  people: 'Animation',
  presenters: 'Présentation faite par',
  facilitators: 'Animation faite par',
  noteTakers: 'Notes prises par',
  notFilled: 'à compléter dans la console',
  noObjectives: 'Aucun objectif n’a été écrit.',
  discover: (stage) => `${stage} : thèmes, freins et leviers`,
  noThemes: 'Aucun thème sur ce tableau.',
  notes: (n) => `${n} note${n > 1 ? 's' : ''}`,
  lifts: 'Levé par',
  links: 'Ce qui lève les freins',
  linksExplain: 'Chaque frein, et les thèmes que l’atelier a reliés comme leviers pour le lever.',
  barrier: 'Frein',
  enabler: 'Levier',
  noLinks: 'Aucun lien entre freins et leviers.',
  vision: (stage) => `${stage} : énoncés de vision`,
  noStatements: 'Aucun énoncé de vision.',
  emptyStatement: '(énoncé vide)',
  decision: (stage) => `${stage} : résultats`,
  noCandidates: 'Aucune proposition.',
  dotsCaption: (total) =>
    `Gommettes reçues par chaque proposition (${total} gommette${total > 1 ? 's' : ''} en tout).`,
  dotsHidden: 'Les totaux seront donnés une fois le vote fermé et dévoilé.',
  noDotVote: 'Aucun vote par gommettes.',
  rankingCaption: (n) =>
    `Points Borda de chaque proposition, dans l’ordre du classement (${n} bulletin${n > 1 ? 's' : ''}).`,
  rankingHidden: 'Le classement sera donné une fois le vote fermé et dévoilé.',
  noRanking: 'Aucun classement.',
  noBallots: 'Aucun bulletin n’a été déposé.',
  agreement: 'Accord entre les participants',
  agreementLine: (w, level) => `W de Kendall = ${w} : accord ${level}.`,
  agreementLevel: { none: 'nul', weak: 'faible', moderate: 'modéré', strong: 'fort' },
  agreementScale:
    'W va de 0 (aucun accord : chacun a classé à sa façon) à 1 (tous ont classé les propositions dans le même ordre).',
  agreementUnknown: 'Pas assez de bulletins pour mesurer l’accord.',
  support: 'Soutien par groupe de secteurs',
  supportExplain:
    'Points Borda donnés par les votants de chaque groupe ; les secteurs de moins de trois votants sont regroupés sous « Autres secteurs ».',
  supportWithheld:
    'Non affiché : un groupe compterait moins de trois votants, et ses points se liraient par différence.',
  voters: (n) => `${n} votant${n > 1 ? 's' : ''}`,
  carriedBy: 'Porté surtout par',
  noPriorities: 'Aucune priorité adoptée.',
  dotsChart: 'Gommettes par proposition',
  rankingChart: 'Points Borda par proposition',
  dotsValue: (n) => `${n} gommette${n > 1 ? 's' : ''}`,
  bordaValue: (n) => `${n} pts`,
  footer: 'Rapport produit avec cocrea à partir des contributions de l’atelier.',
};

const en: ReportWords = {
  ...shared('en'),
  kicker: 'Workshop report',
  sessions: 'Sessions and attendance',
  date: 'Date',
  attended: 'Attended',
  byGroup: 'By sector group',
  attendanceWithheld: 'Not broken down: a group would count fewer than three people.',
  attendanceNone: 'Nobody was recorded.',
  attendanceRule:
    'A sector of fewer than three people is counted with the others under “Other sectors”; no group of fewer than three people is shown on its own.',
  people: 'Who ran the workshop',
  presenters: 'Presented by',
  facilitators: 'Facilitated by',
  noteTakers: 'Notes taken by',
  notFilled: 'to be filled in from the console',
  noObjectives: 'No objectives were written.',
  discover: (stage) => `${stage}: themes, barriers and enablers`,
  noThemes: 'No themes on this board.',
  notes: (n) => `${n} note${n === 1 ? '' : 's'}`,
  lifts: 'Lifted by',
  links: 'What lifts the barriers',
  linksExplain: 'Each barrier, and the themes the workshop linked to it as enablers.',
  barrier: 'Barrier',
  enabler: 'Enabler',
  noLinks: 'No links between barriers and enablers.',
  vision: (stage) => `${stage}: vision statements`,
  noStatements: 'No vision statements.',
  emptyStatement: '(empty statement)',
  decision: (stage) => `${stage}: results`,
  noCandidates: 'No candidates.',
  dotsCaption: (total) =>
    `Dots each candidate received (${total} dot${total === 1 ? '' : 's'} in all).`,
  dotsHidden: 'The totals will be given once the vote is closed and revealed.',
  noDotVote: 'No dot vote.',
  rankingCaption: (n) =>
    `Borda points of each candidate, in ranking order (${n} ballot${n === 1 ? '' : 's'}).`,
  rankingHidden: 'The ranking will be given once the vote is closed and revealed.',
  noRanking: 'No ranking.',
  noBallots: 'No ballots were cast.',
  agreement: 'Agreement among participants',
  agreementLine: (w, level) => `Kendall’s W = ${w}: ${level} agreement.`,
  agreementLevel: { none: 'no', weak: 'weak', moderate: 'moderate', strong: 'strong' },
  agreementScale:
    'W runs from 0 (no agreement: everyone ranked their own way) to 1 (everyone ranked the candidates in the same order).',
  agreementUnknown: 'Not enough ballots to measure agreement.',
  support: 'Support per sector group',
  supportExplain:
    'Borda points given by the voters of each group; sectors of fewer than three voters are counted together under “Other sectors”.',
  supportWithheld:
    'Not shown: a group would count fewer than three voters, and its points could be read by difference.',
  voters: (n) => `${n} voter${n === 1 ? '' : 's'}`,
  carriedBy: 'Carried mostly by',
  noPriorities: 'No priorities adopted.',
  dotsChart: 'Dots per candidate',
  rankingChart: 'Borda points per candidate',
  dotsValue: (n) => `${n} dot${n === 1 ? '' : 's'}`,
  bordaValue: (n) => `${n} pts`,
  footer: 'Report made with cocrea from the workshop’s contributions.',
};

export const REPORT_WORDS: Record<Language, ReportWords> = { fr, en };
