import { check, report } from './check.js';

report(check(new URLSearchParams(location.search).get('code')));
