import type { DomainError } from '../domain/errors';
import type { Language } from '../domain/index';
import { errorMessage } from '../i18n';
import type { Ack } from '../protocol/ack';
import type { ClientCommand } from '../protocol/commands';

/** Anything that sends a command and answers with the server's acknowledgement. */
export interface CommandSender {
  send(cmd: ClientCommand): Promise<Ack>;
}

/**
 * Sends one command the way every page does: a refusal is shown in the reader's language
 * (`show(message)`), a success clears what was shown. Without a connection nothing is sent and
 * nothing shown changes. `quiet` names refusals that are expected and shown as nothing.
 */
export async function sendCommand(
  connection: CommandSender | null | undefined,
  cmd: ClientCommand,
  language: Language,
  show: (message: string) => void,
  quiet: (error: DomainError) => boolean = () => false,
): Promise<boolean> {
  if (!connection) return false;
  const ack = await connection.send(cmd);
  show(ack.ok || quiet(ack.error) ? '' : errorMessage(language, ack.error));
  return ack.ok;
}
