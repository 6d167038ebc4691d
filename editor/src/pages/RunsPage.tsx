/** Run history. */
export function RunsPage() {
  return (
    <div className="page">
      <title>Run history · Weft</title>
      <h1>Run history</h1>
    </div>
  );
}
