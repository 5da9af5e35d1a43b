import type { Result } from '../errors';
import type { WorkshopEvent } from '../events';
import type { Actor, Context, Workshop } from '../model';
import type { CommandOf, CommandType } from './types';

/** What a command produces: the events to store, and what to tell the caller. */
export interface Decision {
  events: WorkshopEvent[];
  reply?: Record<string, string>;
}

/** A command handler: pure, given the state (null before the workshop exists). */
export type Handler<T extends CommandType> = (
  state: Workshop | null,
  actor: Actor,
  command: CommandOf<T>,
  ctx: Context,
) => Result<Decision>;
