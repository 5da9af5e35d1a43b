/**
 * The largest JSON export `POST /import` takes, in bytes: the server cuts the body there, and
 * the home page refuses a larger file before uploading it. A workshop at every cap (500 people,
 * 5,000 notes of 280 three-byte characters, 100 sessions everyone attended) exports to about
 * 7 MB of JSON (EX77); a real one of four meetings, a few hundred KB.
 */
export const IMPORT_MAX_BYTES = 12 * 1024 * 1024;
