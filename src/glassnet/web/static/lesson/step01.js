/* glassnet lesson, step 1: a placeholder until the step is written (lessonA). */
"use strict";
