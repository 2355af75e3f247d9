/* glassnet lesson, step 3: a placeholder until the step is written (lessonA). */
"use strict";
