import { z } from 'zod';

// zod compiles object parsers with `new Function` when it may; under the editor's content
// security policy (no 'unsafe-eval') its probe for that is a reported violation. Imported first.
z.config({ jitless: true });
