/* cs_shaders.h - the GLSL sources of shaders/, embedded at build time (shaders/embed.py). */
#ifndef CS_SHADERS_H
#define CS_SHADERS_H

typedef struct {
    const char *name; /* file name in shaders/, e.g. "heat.frag" */
    const char *text; /* GLSL source */
} cs_shader_source;

/* Terminated by an entry with name NULL. */
extern const cs_shader_source cs_shader_sources[];

#endif
