/**
 * Figures of attention: a heatmap per head, a grid per layer grouped by shared key/value head,
 * an overview of all layers × heads, and a row view (one query's weights over the keys).
 *
 * <p>Every figure is a {@link attnscope.render.Figure} drawn with Java2D onto any Graphics2D, so
 * one drawing routine serves PNG, SVG and PDF ({@link attnscope.render.FigureWriter}). Colours
 * come from viridis on a fixed scale ({@link attnscope.render.ColorScale}); masked cells are grey
 * and hatched; token labels are made readable by {@link attnscope.render.TokenLabels}; figures
 * of a synthetic model carry a banner saying so. The same input gives byte-identical files.
 */
package attnscope.render;
