/** Limits the note form and the edit share (safe to import in the browser). */
export const NOTE_MAX_CHARS = 4000;
