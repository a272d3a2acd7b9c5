/**
 * The lesson report: the toy handout and the real model side by side, in the order the
 * instructor teaches it. {@link attnscope.lesson.Lesson} runs the sections (toy, dimensions,
 * the toy sentence through the real tokenizer, the checked ~50-token passage, heads chosen by
 * {@link attnscope.lesson.HeadStatistics}, score memory against T) on the inspection pipeline
 * and hands them to the report writers; {@link attnscope.lesson.SyntheticStandIn} supplies a
 * model of Qwen2.5-0.5B's geometry, labelled synthetic everywhere, when none has been fetched.
 */
package attnscope.lesson;
