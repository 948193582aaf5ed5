/** supabase-js needs a global WebSocket: built into Node 22, behind a flag on Node 20. */
export function nodeOptions(): string {
  const current = process.env.NODE_OPTIONS ?? '';
  const major = Number(process.versions.node.split('.')[0]);
  return major < 22 && !current.includes('--experimental-websocket')
    ? `${current} --experimental-websocket`.trim()
    : current;
}
