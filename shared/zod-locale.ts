/**
 * zod/mini ships without a locale: unless one is configured, every issue message is "Invalid input".
 * Our 400s quote zod's message (`Invalid <field>: <message>`), so English is loaded here, once per
 * process, and every module that builds or parses a schema imports this file for that side effect
 * (test/http/zod-locale.test.ts checks they all do). Importing en.js alone keeps the other locales
 * out of the bundles.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
