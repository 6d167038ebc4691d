/** Approvals. */
export function ApprovalsPage() {
  return (
    <div className="page">
      <title>Approvals · Weft</title>
      <h1>Approvals</h1>
    </div>
  );
}
