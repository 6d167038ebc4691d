/** The task queue Weft's workers poll unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'weft';
