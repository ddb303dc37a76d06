/** The browser engines the suite drives, by name: a browser check runs once in each. */
export const ENGINE_NAMES = ["chromium", "firefox", "webkit"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
