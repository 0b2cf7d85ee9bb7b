// Which of the dashboard's languages to show: the user's pick if one is kept,
// else the first of the browser's languages (navigator.languages) that we
// have, else English. Pure, so the unit tests run it under Node.
export const LANGS = ['zh-CN', 'en'];

export function detect(stored, browser) {
  if (LANGS.includes(stored)) return stored;
  for (const l of browser || []) {
    const tag = String(l).toLowerCase();
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}
