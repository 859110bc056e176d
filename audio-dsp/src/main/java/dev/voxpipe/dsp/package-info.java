/** audio-dsp: see the module's README. */
package dev.voxpipe.dsp;
