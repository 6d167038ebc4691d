/** Audit log. */
export function AuditPage() {
  return (
    <div className="page">
      <title>Audit log · Weft</title>
      <h1>Audit log</h1>
    </div>
  );
}
