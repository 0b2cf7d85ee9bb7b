import './style.css';
import { initLang } from './i18n/index.js';
import { startApp } from './app.js';

initLang();
startApp(document.getElementById('app'));
