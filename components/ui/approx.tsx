/** A number that is an estimate: "≈" for the eye, "about" for screen readers. */
export function Approx({ estimated, children }: { estimated: boolean; children: React.ReactNode }) {
  if (!estimated) return <>{children}</>;
  return (
    <>
      <span aria-hidden="true">≈&#8201;</span>
      <span className="sr-only">about </span>
      {children}
    </>
  );
}
