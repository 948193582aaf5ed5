/**
 * What a person should know before confirming an edit, beside its diff: what the row is tied to, what
 * the edit would leave behind, and where to go when another edit is what they mean. Plain data (the
 * browser gets it with the preview or the refusal).
 */
export interface EditLink {
  href: string;
  label: string;
}

export interface EditNote {
  tone: 'info' | 'warn';
  text: string;
  link?: EditLink;
}
