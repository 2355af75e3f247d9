/* glassnet lesson, step 6: written on the lessonB branch; this file is its placeholder, so the
   page loads it without a 404. Replace it whole with a window.glassnetLesson.register({...}) call. */
"use strict";
