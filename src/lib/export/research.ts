/**
 * The de-identified research export (format 'cocrea-research', version 1): pseudonyms instead of
 * people, sector groups under the k = 3 rule, the notes without any pseudonym, attendance as
 * counts per group, and the calculation trail (the ballots as matrices, the formulas, the
 * published figures) so that a researcher can recompute every figure from this file alone.
 *
 * Pure: the keyed hash that orders the pseudonyms (HMAC-SHA256 under the workshop's server-only
 * `researchSalt`) is given by the caller, the server.
 *
 * What pseudonyms cannot hide, by design: they are stable, so whoever compares two exports taken
 * just before and just after one person joined sees which number is new, and that person's
 * ballots in a later vote. And a group is a group of three present people or more, not of three
 * voters: a ballot's row says "one of these three", not "one of three who voted". The notes
 * carry no pseudonym for that reason (a signed note would name its number, and so its ballots).
 */
import { shownGroups } from '../domain/aggregate';
import { readBallots } from '../domain/aggregate/ballots';
import { tallyDots, type AgreementLevel } from '../domain/aggregate/ranking';
import type { Language, StageId, Workshop } from '../domain/model';
import {
  attendanceByGroup,
  boardsInOrder,
  decisionFigures,
  exportSessions,
  groupLabel,
  noteGroupOf,
  sessionName,
  sessionOf,
  visibleNotesOf,
} from './common';
import { FORMULAS, type Formulas } from './researchFormulas';

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

/** P01, P02… P100: at least two digits; a number's name never changes as more people come. */
export function pseudonymOf(index: number): string {
  return `P${String(index + 1).padStart(2, '0')}`;
}

/**
 * Who has no research pseudonym yet, in the order they should take the next ones: by the keyed
 * hash, so the order says nothing of who joined when (the server records them before a research
 * export: assignPseudonyms). Everyone who ever joined counts, removed people too.
 */
export function unnumbered(
  state: Workshop,
  keyedHash: (participantId: string) => string,
): string[] {
  const given = new Set(state.researchPseudonyms ?? []);
  const ids = new Set(Object.keys(state.participants));
  for (const voter of Object.keys(state.dots ?? {})) ids.add(voter);
  for (const voter of Object.keys(state.rankings ?? {})) ids.add(voter);
  return [...ids]
    .filter((id) => !given.has(id))
    .map((id) => ({ id, key: keyedHash(id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1))
    .map(({ id }) => id);
}

/** The de-identified research export of a workshop (see the module's comment). */
export function researchExport(state: Workshop, options: ResearchOptions): ResearchExport {
  const time = (ms: number) =>
    options.coarsenTimes === 'day'
      ? new Date(ms).toISOString().slice(0, 10)
      : new Date(ms).toISOString();
  const label = (group: string) => groupLabel(state, group);
  const groups = shownGroups(state);

  // The numbers given for good (assignPseudonyms), then anyone not numbered yet by the keyed
  // hash: everyone who ever joined (removed people too, so nobody's number moves when someone
  // is removed) and any ballot's voter. Someone who joins later takes the next number and moves
  // nobody else's.
  const known = new Set(Object.keys(state.participants));
  const numbered = (state.researchPseudonyms ?? []).filter((id) => known.has(id));
  const numberedIds = [...numbered, ...unnumbered(state, options.keyedHash)];
  const pseudonym = new Map(numberedIds.map((id, i) => [id, pseudonymOf(i)]));
  const removed = (id: string) => state.participants[id]?.removedAt !== undefined;
  const shownGroupOf = (id: string): string | null => {
    if (groups.dropped || removed(id)) return null;
    const group = groups.groupOf.get(id);
    return group === undefined ? null : label(group);
  };

  const participants = numberedIds.map((id) => ({
    pseudonym: pseudonym.get(id)!,
    group: shownGroupOf(id),
    removed: removed(id),
  }));
  // While some present participant is in no shown group, no group's size shows either: the
  // number present minus the shown groups' would give that small group's.
  const groupCounts = groups.dropped
    ? []
    : groups.order.map((group) => ({
        group: label(group),
        participants: [...groups.groupOf.values()].filter((g) => g === group).length,
      }));

  const sessions = exportSessions(state);
  const sessionsOut = sessions.map((session) => {
    // Counted per group of that session under k = 3 (as the report counts it), never per
    // pseudonym: a session's notes carry its name, so a group of one there would be one person.
    const attendance = attendanceByGroup(state, session);
    return {
      id: session.id,
      name: sessionName(state.language, sessions, session.id),
      date: session.date,
      startedAt: time(session.startedAt),
      endedAt: session.endedAt === undefined ? null : time(session.endedAt),
      attendance: {
        total: attendance.total,
        byGroup: attendance.withheld
          ? null
          : Object.fromEntries(attendance.groups.map((g) => [label(g.group), g.count])),
        removed: attendance.removed,
      },
    };
  });

  const groupOfNote = noteGroupOf(state);
  const notes: ResearchExport['notes'] = [];
  const visibleNotes = visibleNotesOf(state);
  for (const board of boardsInOrder(state)) {
    for (const note of visibleNotes(board.id)) {
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
