/**
 * The de-identified research export (format 'cocrea-research', version 1): pseudonyms instead of
 * people, sector groups under the k = 3 rule, the notes without any pseudonym, attendance as
 * counts per group, and the calculation trail (the ballots as matrices, the formulas, the
 * published figures) so that a researcher can recompute every figure from this file alone.
 *
 * Pure: the keyed hash that orders the pseudonyms (HMAC-SHA256 under the workshop's server-only
 * `researchSalt`) is given by the caller, the server.
 */
import { GROUP, MIN_GROUP, shownGroups } from '../domain/aggregate';
import { readBallots } from '../domain/aggregate/ballots';
import { APPROVAL_TOP, tallyDots, type AgreementLevel } from '../domain/aggregate/ranking';
import type { Language, StageId, Workshop } from '../domain/model';
import {
  boardsInOrder,
  decisionFigures,
  exportSessions,
  groupLabel,
  noteGroupOf,
  sessionName,
  sessionOf,
  visibleNotes,
} from './common';

export const RESEARCH_FORMAT = 'cocrea-research';
export const RESEARCH_VERSION = 1;

export interface ResearchOptions {
  /**
   * A keyed hash of a participant id (the server's HMAC-SHA256 under the workshop's research
   * salt): pseudonyms are numbered in the order of these values, which nobody without the salt
   * can work out from what the console shows (ids, names, the order people joined in).
   */
  keyedHash: (participantId: string) => string;
  /** 'day': every time is written YYYY-MM-DD only. Absent: full ISO 8601 times (UTC). */
  coarsenTimes?: 'day';
}

/** Whether a vote's ballots are in the file: only once it is closed and its result revealed. */
export type VoteStatus = 'none' | 'open' | 'notRevealed' | 'revealed';

/** A matrix: one row per pseudonym, one value per column. */
export interface BallotMatrix<T> {
  columns: string[];
  rows: { pseudonym: string; values: T[] }[];
}

export interface ResearchExport {
  format: typeof RESEARCH_FORMAT;
  version: typeof RESEARCH_VERSION;
  times: 'iso' | 'day';
  workshop: { title: string; question: string; language: Language; sectors: string[] };
  /** The groups shown (k = 3), with how many present participants each holds. */
  groups: { group: string; participants: number }[];
  /** True when some present participant is in no shown group: then no pseudonym shows one. */
  groupsWithheld: boolean;
  participants: { pseudonym: string; group: string | null; removed: boolean }[];
  sessions: {
    id: string;
    name: string;
    date: string;
    startedAt: string;
    endedAt: string | null;
    attendance: {
      total: number;
      /** Present attendees per shown group; null while groups are withheld. */
      byGroup: Record<string, number> | null;
      /** Attendees removed from the workshop since (counted in the total only). */
      removed: number;
    };
  }[];
  notes: {
    session: string;
    stage: StageId;
    board: string;
    column: string;
    theme: string | null;
    text: string;
    group: string | null;
    time: string;
  }[];
  calculation: {
    dotVote: {
      status: VoteStatus;
      budget: number | null;
      cap: number | null;
      candidates: { id: string; title: string }[];
      /** Dots per pseudonym (voters only) and candidate; null unless revealed. */
      ballots: BallotMatrix<number> | null;
      /** The published totals and turnout; null unless revealed. */
      totals: Record<string, number> | null;
      turnout: number | null;
    };
    ranking: {
      status: VoteStatus;
      items: { id: string; title: string }[];
      /** Rank (1 = first) per pseudonym and item, null when unranked; null unless revealed. */
      ballots: BallotMatrix<number | null> | null;
      figures: RankingFigures | null;
    };
    priorities: { rank: number; candidateId: string; title: string }[];
    formulas: Formulas;
  };
}

export interface RankingFigures {
  /** m: the ballots counted (the matrix's rows). */
  ballots: number;
  /** n: the shortlist's items (the matrix's columns). */
  items: number;
  results: {
    id: string;
    place: number;
    borda: number;
    meanRank: number | null;
    approval: number;
    firstPlaces: number;
  }[];
  tieBreaks: { above: string; below: string; rule: string }[];
  agreement: number | null;
  agreementLevel: AgreementLevel | null;
  /** Borda points per sector group (counted in voters, k = 3), as published. */
  support: {
    withheld: boolean;
    groups: { group: string; voters: number; borda: Record<string, number> }[];
  };
}

export type Formulas = Record<
  | 'ballots'
  | 'dots'
  | 'borda'
  | 'meanRank'
  | 'approval'
  | 'firstPlaces'
  | 'order'
  | 'kendallW'
  | 'agreementLevel'
  | 'support',
  { words: string; expression: string }
>;

/** P01, P02…: at least two digits, as many as the count needs. */
export function pseudonymOf(index: number, count: number): string {
  return `P${String(index + 1).padStart(Math.max(2, String(count).length), '0')}`;
}

/** The de-identified research export of a workshop (see the module's comment). */
export function researchExport(state: Workshop, options: ResearchOptions): ResearchExport {
  const time = (ms: number) =>
    options.coarsenTimes === 'day'
      ? new Date(ms).toISOString().slice(0, 10)
      : new Date(ms).toISOString();
  const label = (group: string) => groupLabel(state, group);
  const groups = shownGroups(state);

  // Everyone who ever joined (removed people too, so that nobody's number moves when someone is
  // removed), and any ballot's voter, ordered by the keyed hash.
  const ids = new Set(Object.keys(state.participants));
  for (const voter of Object.keys(state.dots ?? {})) ids.add(voter);
  for (const voter of Object.keys(state.rankings ?? {})) ids.add(voter);
  const hashed = [...ids].map((id) => ({ id, key: options.keyedHash(id) }));
  hashed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1));
  const pseudonym = new Map(hashed.map(({ id }, i) => [id, pseudonymOf(i, hashed.length)]));
  const removed = (id: string) => state.participants[id]?.removedAt !== undefined;
  const shownGroupOf = (id: string): string | null => {
    if (groups.dropped || removed(id)) return null;
    const group = groups.groupOf.get(id);
    return group === undefined ? null : label(group);
  };

  const participants = hashed.map(({ id }) => ({
    pseudonym: pseudonym.get(id)!,
    group: shownGroupOf(id),
    removed: removed(id),
  }));
  const groupCounts = groups.order.map((group) => ({
    group: label(group),
    participants: [...groups.groupOf.values()].filter((g) => g === group).length,
  }));

  const sessions = exportSessions(state);
  const sessionsOut = sessions.map((session) => {
    const byGroup: Record<string, number> | null = groups.dropped ? null : {};
    let gone = 0;
    for (const id of new Set(session.attendance)) {
      if (removed(id) || !state.participants[id]) {
        gone += 1;
        continue;
      }
      const group = groups.groupOf.get(id);
      if (byGroup && group !== undefined) byGroup[label(group)] = (byGroup[label(group)] ?? 0) + 1;
    }
    return {
      id: session.id,
      name: sessionName(state.language, sessions, session.id),
      date: session.date,
      startedAt: time(session.startedAt),
      endedAt: session.endedAt === undefined ? null : time(session.endedAt),
      attendance: {
        total: new Set(session.attendance).size,
        byGroup:
          byGroup === null
            ? null
            : Object.fromEntries(
                groups.order
                  .map(label)
                  .filter((g) => g in byGroup)
                  .map((g) => [g, byGroup[g]!]),
              ),
        removed: gone,
      },
    };
  });

  const groupOfNote = noteGroupOf(state);
  const notes: ResearchExport['notes'] = [];
  for (const board of boardsInOrder(state)) {
    for (const note of visibleNotes(state, board.id)) {
      const group = groupOfNote(note);
      notes.push({
        session: sessionName(state.language, sessions, sessionOf(note, sessions)),
        stage: board.stage,
        board: board.title,
        column: board.columns.find((c) => c.id === note.columnId)?.title ?? '',
        theme: note.themeId ? (state.themes?.[note.themeId]?.title ?? null) : null,
        text: note.text,
        group: group === null ? null : label(group),
        time: time(note.createdAt),
      });
    }
  }

  const byPseudonym = <T extends { pseudonym: string }>(rows: T[]) =>
    rows.sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : 1));
  const candidateTitle = (id: string) =>
    state.candidates?.[id]?.title ??
    Object.values(state.priorities ?? {}).find((p) => p.candidateId === id)?.title ??
    '';
  const figures = decisionFigures(state);

  // The dot vote: the ballots of listed candidates, voters only (as tallyDots counts them).
  const candidateIds = state.candidateOrder ?? [];
  const dotStatus = voteStatus(state.dotVote);
  let dotBallots: BallotMatrix<number> | null = null;
  let turnout: number | null = null;
  if (dotStatus === 'revealed') {
    const rows = Object.entries(state.dots ?? {})
      .map(([voter, ballot]) => ({
        pseudonym: pseudonym.get(voter)!,
        values: candidateIds.map((id) => {
          const dots = Object.hasOwn(ballot, id) ? ballot[id]! : 0;
          return Number.isInteger(dots) && dots > 0 ? dots : 0;
        }),
      }))
      .filter((row) => row.values.some((v) => v > 0));
    dotBallots = { columns: [...candidateIds], rows: byPseudonym(rows) };
    turnout = tallyDots(candidateIds, state.dots ?? {}).turnout;
  }

  // The ranking: the ballots as every method reads them (readBallots), ranks from 1.
  const ranking = state.ranking;
  const rankStatus = voteStatus(ranking);
  const shortlist = ranking ? [...new Set(ranking.items)] : [];
  let rankBallots: BallotMatrix<number | null> | null = null;
  let rankFigures: RankingFigures | null = null;
  if (rankStatus === 'revealed' && figures.ranking) {
    const read = readBallots(
      shortlist,
      Object.entries(state.rankings ?? {}).map(([voter, order]) => ({ voter, order, group: null })),
    );
    const rows = read.ballots.map((b) => {
      const values = new Array<number | null>(read.items.length).fill(null);
      b.ranked.forEach((i, p) => (values[i] = p + 1));
      return { pseudonym: pseudonym.get(b.voter)!, values };
    });
    rankBallots = { columns: read.items, rows: byPseudonym(rows) };
    const r = figures.ranking;
    rankFigures = {
      ballots: r.ballots,
      items: read.items.length,
      results: r.items.map((item) => ({
        id: item.id,
        place: item.place,
        borda: item.borda,
        meanRank: item.meanRank,
        approval: item.approval,
        firstPlaces: item.firstPlaces,
      })),
      tieBreaks: r.tieBreaks.map((t) => ({ ...t })),
      agreement: r.agreement,
      agreementLevel: r.agreementLevel,
      support: {
        withheld: r.support.withheld,
        groups: r.support.groups.map((g) => ({
          group: label(g.group),
          voters: g.voters,
          borda: { ...g.borda },
        })),
      },
    };
  }

  return {
    format: RESEARCH_FORMAT,
    version: RESEARCH_VERSION,
    times: options.coarsenTimes === 'day' ? 'day' : 'iso',
    workshop: {
      title: state.title,
      question: state.question,
      language: state.language,
      sectors: state.sectors.map((s) => s.label),
    },
    groups: groupCounts,
    groupsWithheld: groups.dropped,
    participants,
    sessions: sessionsOut,
    notes,
    calculation: {
      dotVote: {
        status: dotStatus,
        budget: state.dotVote?.budget ?? null,
        cap: state.dotVote?.cap ?? null,
        candidates: candidateIds.map((id) => ({ id, title: candidateTitle(id) })),
        ballots: dotBallots,
        totals: dotBallots && figures.dots ? { ...figures.dots } : null,
        turnout,
      },
      ranking: {
        status: rankStatus,
        items: shortlist.map((id) => ({ id, title: candidateTitle(id) })),
        ballots: rankBallots,
        figures: rankFigures,
      },
      priorities: (state.priorityOrder ?? [])
        .map((id) => state.priorities?.[id])
        .filter((p) => p !== undefined)
        .map((p) => ({ rank: p.rank, candidateId: p.candidateId, title: p.title })),
      formulas: FORMULAS[state.language],
    },
  };
}

function voteStatus(
  vote: { status: 'open' | 'closed'; revealed: boolean } | undefined,
): VoteStatus {
  if (!vote) return 'none';
  if (vote.status === 'open') return 'open';
  return vote.revealed ? 'revealed' : 'notRevealed';
}

/**
 * The formulas, as src/lib/domain/aggregate computes them. n: the shortlist's items; m: the
 * ballots counted; k_j: the items ballot j ranks; r_ij: the rank ballot j gives item i (1 = first).
 */
const EXPRESSIONS: Record<keyof Formulas, string> = {
  ballots:
    'k_j = number of non-null cells of row j; a row with k_j = n − 1 never occurs (its last item is written ranked n)',
  dots: 'D_c = Σ_v d_vc',
  borda: 'B_i = Σ_j b_ij, b_ij = n − r_ij if ballot j ranks i, else (n − k_j − 1) / 2',
  meanRank: 'M_i = (1/m) Σ_j ρ_ij, ρ_ij = r_ij if ballot j ranks i, else (n + k_j + 1) / 2',
  approval: `A_i = #{ j : r_ij ≤ ${APPROVAL_TOP} }`,
  firstPlaces: 'F_i = #{ j : r_ij = 1 }',
  order: 'sort by B_i desc, then F_i desc, then A_i desc, then shortlist order (the columns)',
  kendallW:
    'R_i = Σ_j ρ_ij; S = Σ_i (R_i − m(n+1)/2)²; t_j = n − k_j; T_j = t_j³ − t_j; W = 12 S / (m²(n³ − n) − m Σ_j T_j); null if m < 2, n < 2 or the denominator ≤ 0',
  agreementLevel: 'W < 0.1: none; W < 0.3: weak; W < 0.5: moderate; otherwise strong',
  support: `per group g of voters: B_ig = Σ_{j in g} b_ij; sectors with fewer than ${MIN_GROUP} voters merge into '${GROUP.other}'; no group at all if '${GROUP.other}' then holds 1 or 2 voters`,
};

const WORDS: Record<Language, Record<keyof Formulas, string>> = {
  fr: {
    ballots:
      "Une ligne par bulletin compté : le rang donné à chaque élément de la liste restreinte (1 = premier), vide quand il n'est pas classé. Un bulletin vide ne compte pas ; un bulletin qui classe tous les éléments sauf un place le dernier au dernier rang (la matrice l'écrit).",
    dots: 'Gommettes : le total de chaque proposition est la somme de sa colonne ; la participation est le nombre de lignes.',
    borda:
      "Borda : un bulletin donne n − r points à l'élément qu'il classe au rang r ; les éléments qu'il ne classe pas se partagent à parts égales les points des places restantes.",
    meanRank:
      "Rang moyen : la moyenne, sur les m bulletins, du rang donné à l'élément ; un élément non classé reçoit la moyenne des rangs restants (k + 1 à n).",
    approval: `Approbation : le nombre de bulletins qui placent l'élément dans leurs ${APPROVAL_TOP} premiers.`,
    firstPlaces: "Premières places : le nombre de bulletins qui placent l'élément premier.",
    order:
      "Ordre publié : Borda décroissant ; à égalité, plus de premières places, puis plus d'approbations, puis l'ordre de la liste restreinte.",
    kendallW:
      "Accord (W de Kendall, corrigé pour les ex æquo) : les éléments non classés d'un bulletin sont ex æquo ; 0 = les bulletins s'annulent, 1 = tous donnent le même ordre. Non calculé avec moins de deux bulletins ou de deux éléments.",
    agreementLevel:
      "L'accord en un mot : moins de 0,1 aucun, moins de 0,3 faible, moins de 0,5 modéré, sinon fort.",
    support:
      "Soutien par secteur : les points de Borda des bulletins de chaque groupe de votants ; un secteur de moins de 3 votants rejoint « Autres secteurs », et aucun groupe n'est donné si celui-ci en compte 1 ou 2.",
  },
  en: {
    ballots:
      'One row per ballot counted: the rank given to each shortlist item (1 = first), empty when unranked. An empty ballot does not count; a ballot ranking every item but one puts that one last (the matrix writes it).',
    dots: "Dots: a candidate's total is the sum of its column; turnout is the number of rows.",
    borda:
      'Borda: a ballot gives n − r points to the item it ranks r; the items it leaves unranked share the points of the places left equally.',
    meanRank:
      "Mean rank: the mean, over the m ballots, of the item's rank; an unranked item gets the mean of the ranks left (k + 1 to n).",
    approval: `Approval: the number of ballots that put the item in their top ${APPROVAL_TOP}.`,
    firstPlaces: 'First places: the number of ballots that put the item first.',
    order:
      'Published order: Borda, highest first; on a tie, more first places, then more approvals, then the shortlist order.',
    kendallW:
      "Agreement (Kendall's W, corrected for ties): a ballot's unranked items are tied; 0 = the ballots cancel out, 1 = all give the same order. Not computed with fewer than two ballots or two items.",
    agreementLevel:
      'Agreement in a word: under 0.1 none, under 0.3 weak, under 0.5 moderate, otherwise strong.',
    support:
      "Support per sector: the Borda points of each group of voters' ballots; a sector of fewer than 3 voters joins 'Other sectors', and no group is given when that one holds 1 or 2.",
  },
};

const FORMULAS = Object.fromEntries(
  (['fr', 'en'] as const).map((language) => [
    language,
    Object.fromEntries(
      (Object.keys(EXPRESSIONS) as (keyof Formulas)[]).map((key) => [
        key,
        { words: WORDS[language][key], expression: EXPRESSIONS[key] },
      ]),
    ) as Formulas,
  ]),
) as Record<Language, Formulas>;
