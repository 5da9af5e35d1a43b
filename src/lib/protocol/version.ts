/** Bumped whenever a client and a server of different versions could misunderstand each other. */
export const PROTOCOL_VERSION = 1;
