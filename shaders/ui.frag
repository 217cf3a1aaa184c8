#version 330 core
// ui.frag - one job: text, colour times the coverage from the glyph atlas (glyphs are drawn at
// their rasterised size, so texels map to pixels one to one: texelFetch).
in vec2 v_uv;                          // atlas texel coordinates
in vec4 v_color;
uniform sampler2D u_atlas;             // R8 coverage
out vec4 o_color;
void main()
{
    o_color = vec4(v_color.rgb, v_color.a * texelFetch(u_atlas, ivec2(v_uv), 0).r);
}
