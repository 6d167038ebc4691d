/** Schedules. */
export function SchedulesPage() {
  return (
    <div className="page">
      <title>Schedules · Weft</title>
      <h1>Schedules</h1>
    </div>
  );
}
