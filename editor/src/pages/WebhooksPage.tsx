/** Webhooks. */
export function WebhooksPage() {
  return (
    <div className="page">
      <title>Webhooks · Weft</title>
      <h1>Webhooks</h1>
    </div>
  );
}
