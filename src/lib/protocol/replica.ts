import type { Column, Language, Sector, StageId } from '../domain/model';

/** The audiences that each get their own read-only replica. */
export const AUDIENCES = ['public', 'facilitator'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Names of the top-level maps in every replica Y.Doc. */
export const MAPS = {
  /** key 'workshop' → WorkshopView */
  meta: 'meta',
  /** board id → BoardView */
  boards: 'boards',
  /** note id → NoteView */
  notes: 'notes',
  /** participant id → ParticipantView (facilitator replica only) */
  participants: 'participants',
} as const;

/** What every screen knows about the workshop. */
export interface WorkshopView {
  id: string;
  title: string;
  question: string;
  language: Language;
  joinCode: string;
  currentStage: StageId;
  sectors: Sector[];
  stages: Record<StageId, { prompt: string; boardIds: string[] }>;
  /** Participants with at least one open connection. */
  connected: number;
  participantCount: number;
}

export interface BoardView {
  id: string;
  stage: StageId;
  title: string;
  columns: Column[];
}

export interface NoteView {
  id: string;
  boardId: string;
  columnId: string;
  text: string;
  /** The participant who wrote it, or null when the facilitator wrote it for the room. */
  authorId: string | null;
  createdAt: number;
  updatedAt: number;
  /** Facilitator replica only. */
  authorName?: string;
}

export interface ParticipantView {
  id: string;
  name: string;
  sector: string | null;
  connected: boolean;
  joinedAt: number;
}

/** A replica as the client reads it. */
export interface ReplicaSnapshot {
  workshop: WorkshopView | null;
  boards: Record<string, BoardView>;
  notes: Record<string, NoteView>;
  participants: Record<string, ParticipantView>;
}

/** A room the server offers a client: its name (with the epoch) and a short-lived ticket. */
export interface RoomGrant {
  audience: Audience;
  room: string;
  ticket: string;
}

/** What a socket learns when it says hello. */
export interface Welcome {
  protocol: number;
  role: 'facilitator' | 'participant' | 'projector' | 'nobody';
  workshopId: string | null;
  participantId: string | null;
  epoch: string;
  rooms: RoomGrant[];
}

/** Room names carry the workshop, the audience and the server epoch. */
export function roomName(workshopId: string, audience: Audience, epoch: string): string {
  return `${workshopId}.${audience}.${epoch}`;
}

export function parseRoomName(
  name: string,
): { workshopId: string; audience: Audience; epoch: string } | null {
  const match = /^([A-Za-z0-9_-]{1,64})\.(public|facilitator)\.([A-Za-z0-9_-]{1,64})$/.exec(name);
  if (!match) return null;
  return { workshopId: match[1]!, audience: match[2] as Audience, epoch: match[3]! };
}

/** Path prefix of the Yjs endpoint. */
export const YJS_PATH = '/yjs';
