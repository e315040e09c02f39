/**
 * The explorer behind {@code pixelgrad serve}: a local web page (plain HTML/CSS/JS from the jar) and its JSON API over
 * vis. Entry point {@link io.pixelgrad.explorer.ExplorerServer} (built from an
 * {@link io.pixelgrad.explorer.ExplorerConfig} and a {@link io.pixelgrad.explorer.ModelSource}, such as
 * {@link io.pixelgrad.explorer.WeightsModelSource}); the HTTP API is described at the top of {@code explorer.js}.
 * Internal: made for the {@code serve} command, no compatibility promise for library users.
 */
package io.pixelgrad.explorer;
