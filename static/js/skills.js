// With JavaScript on, htmx saves a level as soon as it changes and searches as you type,
// so the plain-form buttons step aside (they stay for browsers without JavaScript).
document.documentElement.classList.add("js");
