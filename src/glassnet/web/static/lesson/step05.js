/* glassnet lesson, step 5: a placeholder until the step is written (lessonA). */
"use strict";
