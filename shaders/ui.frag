#version 330 core
// ui.frag - one job: colour times the coverage from the glyph atlas; flat fills (u < 0) skip the
// texture fetch, which matters on software rasterisers.
in vec2 v_uv;
in vec4 v_color;
uniform sampler2D u_atlas;             // R8 coverage
out vec4 o_color;
void main()
{
    float coverage = v_uv.x < 0.0 ? 1.0 : texture(u_atlas, v_uv).r;
    o_color = vec4(v_color.rgb, v_color.a * coverage);
}
