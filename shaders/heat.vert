#version 330 core
// heat.vert - quads of float-valued maps: position, texel coordinates and the per-quad value range.
layout(location = 0) in vec2 a_pos;    // window pixels
layout(location = 1) in vec2 a_uv;     // texel coordinates into the value texture
layout(location = 2) in vec4 a_map;    // lo, hi, colormap row, RGB (1) or colormap (0)
layout(location = 3) in vec2 a_extra;  // RGB: texel rows between channel planes; pixels per cell
uniform vec2 u_viewport;
out vec2 v_uv;
flat out vec4 v_map;
flat out vec2 v_extra;
void main()
{
    vec2 ndc = a_pos / u_viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
    v_uv = a_uv;
    v_map = a_map;
    v_extra = a_extra;
}
