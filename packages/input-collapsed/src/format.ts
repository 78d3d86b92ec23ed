/** The plugin's name, used as the `format` of its profiles and errors. */
export const FORMAT = 'collapsed';
