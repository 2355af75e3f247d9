/* glassnet lesson, step 2: a placeholder until the step is written (lessonA). */
"use strict";
