/* commands.h - the convscope subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit code: 0 success, 1 a runtime
 * or input error (one line on stderr), 2 a usage error (usage on stderr). */
#ifndef CS_COMMANDS_H
#define CS_COMMANDS_H

int cs_cmd_train(int argc, char **argv);
int cs_cmd_bench(int argc, char **argv);
/* Pictures of a checkpoint: kernel grids, activation maps, kernel evolution (GIF, filmstrip). */
int cs_cmd_export(int argc, char **argv);
/* One kernel over one image: the response map, or one window worked out (--at). */
int cs_cmd_convolve(int argc, char **argv);
/* One training step of one image written out: loss, every gradient, the update (--json). */
int cs_cmd_backprop(int argc, char **argv);
#ifdef CS_HAVE_ONNX
/* ONNX backend test folders through the importer: pass, fail or unsupported per folder. */
int cs_cmd_onnx_test(int argc, char **argv);
#endif
#ifdef CS_HAVE_GUI
/* The live window (also what `convscope` with no arguments runs). */
int cs_cmd_gui(int argc, char **argv);
/* The window in lesson mode: a lesson told page by page over the live app. */
int cs_cmd_lesson(int argc, char **argv);
#endif

#endif
