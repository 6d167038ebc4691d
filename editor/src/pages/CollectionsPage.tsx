/** Knowledge collections. */
export function CollectionsPage() {
  return (
    <div className="page">
      <title>Knowledge collections · Weft</title>
      <h1>Knowledge collections</h1>
    </div>
  );
}
