import type * as Y from 'yjs';
import {
  MAPS,
  type LinkView,
  type ParticipantView,
  type ReplicaSnapshot,
  type WorkshopView,
} from '../protocol/replica';

export const EMPTY_SNAPSHOT: ReplicaSnapshot = {
  workshop: null,
  me: null,
  links: [],
  boards: {},
  notes: {},
  themes: {},
  participants: {},
};

/** Read a replica Y.Doc into plain data for rendering. */
export function readSnapshot(doc: Y.Doc): ReplicaSnapshot {
  return {
    workshop: (doc.getMap(MAPS.meta).get('workshop') as WorkshopView | undefined) ?? null,
    me: (doc.getMap(MAPS.meta).get('me') as ParticipantView | undefined) ?? null,
    links: (doc.getMap(MAPS.meta).get('links') as LinkView[] | undefined) ?? [],
    boards: doc.getMap(MAPS.boards).toJSON() as ReplicaSnapshot['boards'],
    notes: doc.getMap(MAPS.notes).toJSON() as ReplicaSnapshot['notes'],
    themes: doc.getMap(MAPS.themes).toJSON() as ReplicaSnapshot['themes'],
    participants: doc.getMap(MAPS.participants).toJSON() as ReplicaSnapshot['participants'],
  };
}
