// The languages the field app speaks: a catalog of each is www/locales/TAG.ftl.

/** Each language by its tag, named in itself (for the language switch); English first. */
export const LANGUAGES = { en: 'English', es: 'Español', fr: 'Français', de: 'Deutsch', pt: 'Português', ar: 'العربية' };

/** Languages written right to left. */
export const RIGHT_TO_LEFT = new Set(['ar']);
