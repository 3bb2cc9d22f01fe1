// What the field app uses of Fluent, bundled into www/vendor/fluent.js by pkg-scripts/build.
export { FluentBundle, FluentResource } from '@fluent/bundle';
