import { fail, ok } from '../errors';
import { LIMITS, type CoFacilitatorLink } from '../model';
import { cleanLine } from '../text';
import type { Handler } from './decision';
import { mainFacilitatorWorkshop } from './guards';

/** The main facilitator creates a link for a co-facilitator (the secret never reaches the domain). */
export const createCoFacilitatorLink: Handler<'createCoFacilitatorLink'> = (
  state,
  actor,
  command,
  ctx,
) => {
  const ws = mainFacilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const active = Object.values(ws.value.coFacilitators).filter((l) => l.revokedAt === null);
  if (active.length >= LIMITS.coFacilitatorLinks) return fail('TOO_MANY_LINKS');
  const label = cleanLine(command.label, LIMITS.linkLabelLength);
  if (!label.ok) return label;
  const link: CoFacilitatorLink = {
    id: ctx.newId(),
    label: label.value,
    keyHash: command.keyHash,
    createdAt: ctx.now,
    revokedAt: null,
  };
  return ok({ events: [{ type: 'coFacilitatorLinkCreated', link }], reply: { linkId: link.id } });
};

/** The main facilitator revokes a co-facilitator link: it stops working at once. */
export const revokeCoFacilitatorLink: Handler<'revokeCoFacilitatorLink'> = (
  state,
  actor,
  command,
  ctx,
) => {
  const ws = mainFacilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  const link = Object.hasOwn(ws.value.coFacilitators, command.linkId)
    ? ws.value.coFacilitators[command.linkId]
    : undefined;
  if (!link) return fail('UNKNOWN_LINK');
  if (link.revokedAt !== null) return ok({ events: [] });
  return ok({ events: [{ type: 'coFacilitatorLinkRevoked', linkId: link.id, at: ctx.now }] });
};

/** The main facilitator replaces their own link: the old one stops working at once. */
export const rotateFacilitatorKey: Handler<'rotateFacilitatorKey'> = (state, actor, command) => {
  const ws = mainFacilitatorWorkshop(state, actor);
  if (!ws.ok) return ws;
  return ok({ events: [{ type: 'facilitatorKeyRotated', keyHash: command.keyHash }] });
};
