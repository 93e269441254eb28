/** English month and weekday names (Java's default Locale.US text for MMM/MMMM/EEE/EEEE). */
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const MONTHS_SHORT = MONTHS.map((m) => m.slice(0, 3));
/** Index 1 = Monday ... 7 = Sunday (ISO), index 0 unused. */
export const WEEKDAYS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const WEEKDAYS_SHORT = WEEKDAYS.map((d) => d.slice(0, 3));
