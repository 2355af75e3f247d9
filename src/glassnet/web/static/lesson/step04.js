/* glassnet lesson, step 4: a placeholder until the step is written (lessonA). */
"use strict";
